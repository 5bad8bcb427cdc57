/**
 * A stand-in for Linear on 127.0.0.1, speaking its OAuth 2 (authorize page,
 * token endpoint with PKCE S256 and rotating refresh tokens, revoke) and the
 * GraphQL operations Opsdeck sends through `@linear/sdk` (by operation name),
 * with Linear's authentication-error shape for a revoked or unknown token.
 * `setIssueState` changes an issue as a person in Linear would and delivers
 * the webhook signed as Linear signs (HMAC-SHA256 hex in Linear-Signature,
 * webhookTimestamp in the body).
 */
import { createHmac } from "node:crypto";
import { codeChallenge } from "../../services/auth/oidc/flow_cookie.ts";

export const LINEAR_CLIENT = { id: "lin-client-1", secret: "lin-secret-0123456789", webhook: "lin-webhook-secret-42" };
const ORG = { id: "org-acme-1", name: "Acme Agency", urlKey: "acme" };
const TEAM = { id: "team-ops-1", key: "OPS", name: "Operations" };
const STATES = [
  { id: "st-todo", name: "Todo", type: "unstarted", position: 1 },
  { id: "st-done", name: "Done", type: "completed", position: 2 },
  { id: "st-cancel", name: "Canceled", type: "canceled", position: 3 },
];

export interface StandInIssue {
  id: string;
  identifier: string;
  title: string;
  description: string;
  priority: number;
  stateId: string;
}

interface Grant {
  challenge: string;
  redirectUri: string;
  used: boolean;
}

export interface LinearStandIn {
  url: string;
  /** The env a deployment sets to use this stand-in. */
  env: Record<string, string>;
  issues: Map<string, StandInIssue>;
  /** Every token-endpoint call's grant_type, and revocations, in order. */
  tokenCalls: string[];
  revoked: string[];
  /** Seconds an access token lives (Linear: 86399). */
  expiresIn: number;
  /** Where setIssueState delivers Linear's webhook. */
  webhookUrl: string | null;
  /** Every token this stand-in issued stops working, as when an admin removes the app in Linear. */
  revokeEverything(): void;
  setIssueState(id: string, type: "completed" | "canceled" | "unstarted"): Promise<Response>;
  stop(): Promise<void>;
}

export function startLinearStandIn(): LinearStandIn {
  const grants = new Map<string, Grant>();
  const access = new Set<string>();
  const refresh = new Set<string>();
  const issues = new Map<string, StandInIssue>();
  let seq = 0;
  const standIn: Omit<LinearStandIn, "url" | "env" | "stop"> = {
    issues,
    tokenCalls: [],
    revoked: [],
    expiresIn: 86399,
    webhookUrl: null,
    revokeEverything() {
      access.clear();
      refresh.clear();
    },
    async setIssueState(id, type) {
      const issue = issues.get(id)!;
      const state = STATES.find((s) => s.type === type)!;
      issue.stateId = state.id;
      const body = JSON.stringify({
        action: "update",
        type: "Issue",
        createdAt: new Date().toISOString(),
        organizationId: ORG.id,
        url: issueUrl(issue),
        data: { id, identifier: issue.identifier, title: issue.title, state: { id: state.id, name: state.name, type } },
        updatedFrom: { stateId: "st-todo" },
        webhookTimestamp: Date.now(),
        webhookId: "wh-1",
      });
      const signature = createHmac("sha256", LINEAR_CLIENT.webhook).update(body).digest("hex");
      return await fetch(standIn.webhookUrl!, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Linear-Signature": signature, "Linear-Event": "Issue" },
        body,
      });
    },
  };
  const issueUrl = (i: StandInIssue) => `https://linear.app/${ORG.urlKey}/issue/${i.identifier}`;
  const issueJson = (i: StandInIssue) => ({
    id: i.id,
    identifier: i.identifier,
    url: issueUrl(i),
    state: { type: STATES.find((s) => s.id === i.stateId)!.type },
  });
  const newToken = (prefix: string, set: Set<string>) => {
    const t = `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
    set.add(t);
    return t;
  };
  const tokens = () => ({
    access_token: newToken("lin_oauth", access),
    refresh_token: newToken("lin_refresh", refresh),
    token_type: "Bearer",
    expires_in: standIn.expiresIn,
    scope: "read,write",
  });
  const oauthError = (error: string) => Response.json({ error }, { status: 400 });

  async function token(form: URLSearchParams): Promise<Response> {
    standIn.tokenCalls.push(form.get("grant_type") ?? "");
    if (form.get("client_id") !== LINEAR_CLIENT.id || form.get("client_secret") !== LINEAR_CLIENT.secret) {
      return Response.json({ error: "invalid_client" }, { status: 401 });
    }
    if (form.get("grant_type") === "authorization_code") {
      const grant = grants.get(form.get("code") ?? "");
      if (!grant || grant.used) return oauthError("invalid_grant");
      grant.used = true;
      if (grant.redirectUri !== form.get("redirect_uri")) return oauthError("invalid_grant");
      if (grant.challenge !== await codeChallenge(form.get("code_verifier") ?? "")) return oauthError("invalid_grant");
      return Response.json(tokens());
    }
    if (form.get("grant_type") === "refresh_token") {
      const old = form.get("refresh_token") ?? "";
      if (!refresh.delete(old)) return oauthError("invalid_grant");
      return Response.json(tokens());
    }
    return oauthError("unsupported_grant_type");
  }

  function graphql(op: string, v: Record<string, unknown>): unknown {
    if (op === "opsdeckAccount") {
      return {
        viewer: { id: "user-1", name: "Grace Admin", email: "grace@acme.example" },
        organization: ORG,
        teams: { nodes: [TEAM, { id: "team-web-1", key: "WEB", name: "Web" }] },
      };
    }
    if (op === "opsdeckIssue") {
      const issue = issues.get(String(v.id));
      return { issue: issue ? issueJson(issue) : null };
    }
    if (op === "opsdeckDoneStates") return { workflowStates: { nodes: STATES.filter((s) => s.type === "completed") } };
    if (op === "createIssue") {
      const input = v.input as { teamId: string; title: string; description: string; priority: number };
      const issue: StandInIssue = {
        id: crypto.randomUUID(),
        identifier: `OPS-${++seq}`,
        title: input.title,
        description: input.description,
        priority: input.priority,
        stateId: "st-todo",
      };
      issues.set(issue.id, issue);
      return { issueCreate: { __typename: "IssuePayload", lastSyncId: seq, success: true, issue: { id: issue.id } } };
    }
    if (op === "updateIssue") {
      const issue = issues.get(String(v.id))!;
      issue.stateId = String((v.input as { stateId: string }).stateId);
      return { issueUpdate: { __typename: "IssuePayload", lastSyncId: seq, success: true, issue: { id: issue.id } } };
    }
    throw new Error(`the Linear stand-in does not know ${op}`);
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/oauth/authorize" && req.method === "GET") {
      // Linear's consent screen, reduced to its button.
      const q = url.searchParams;
      if (q.get("client_id") !== LINEAR_CLIENT.id || q.get("code_challenge_method") !== "S256") {
        return new Response("bad authorize request", { status: 400 });
      }
      const hidden = ["redirect_uri", "state", "code_challenge"]
        .map((k) => `<input type="hidden" name="${k}" value="${q.get(k)}">`).join("");
      return new Response(
        `<!doctype html><link rel="icon" href="data:,"><title>Authorize Opsdeck</title><h1>Opsdeck wants access to ${ORG.name}</h1>` +
          `<form method="post" action="/oauth/authorize">${hidden}<button>Authorize</button></form>`,
        { headers: { "content-type": "text/html" } },
      );
    }
    if (url.pathname === "/oauth/authorize" && req.method === "POST") {
      const form = new URLSearchParams(await req.text());
      const code = crypto.randomUUID();
      grants.set(code, { challenge: form.get("code_challenge")!, redirectUri: form.get("redirect_uri")!, used: false });
      const back = new URL(form.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", form.get("state")!);
      return Response.redirect(back.toString(), 302);
    }
    if (url.pathname === "/oauth/token") return await token(new URLSearchParams(await req.text()));
    if (url.pathname === "/oauth/revoke") {
      const t = new URLSearchParams(await req.text()).get("token") ?? "";
      standIn.revoked.push(t);
      access.delete(t);
      refresh.delete(t);
      return new Response(null, { status: 200 });
    }
    if (url.pathname === "/graphql") {
      const bearer = req.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
      if (!access.has(bearer)) {
        return Response.json({
          errors: [{
            message: "Authentication required, not authenticated",
            extensions: { type: "authentication error", code: "AUTHENTICATION_ERROR", userError: true },
          }],
        }, { status: 401 });
      }
      const { query, variables } = await req.json();
      const op = /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "";
      return Response.json({ data: graphql(op, variables ?? {}) });
    }
    return new Response("not found", { status: 404 });
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  return {
    ...standIn,
    get expiresIn() {
      return standIn.expiresIn;
    },
    set expiresIn(v: number) {
      standIn.expiresIn = v;
    },
    get webhookUrl() {
      return standIn.webhookUrl;
    },
    set webhookUrl(v: string | null) {
      standIn.webhookUrl = v;
    },
    url,
    env: {
      LINEAR_CLIENT_ID: LINEAR_CLIENT.id,
      LINEAR_CLIENT_SECRET: LINEAR_CLIENT.secret,
      LINEAR_WEBHOOK_SECRET: LINEAR_CLIENT.webhook,
      LINEAR_AUTHORIZE_URL: `${url}/oauth/authorize`,
      LINEAR_TOKEN_URL: `${url}/oauth/token`,
      LINEAR_REVOKE_URL: `${url}/oauth/revoke`,
      LINEAR_API_URL: `${url}/graphql`,
    },
    stop: () => server.shutdown(),
  };
}
