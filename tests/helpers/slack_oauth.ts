/**
 * The Slack stand-in's app installation, in Slack's OAuth v2 shapes: the
 * consent page at /oauth/v2/authorize (client_id, scope, state, redirect_uri;
 * a workspace picker, Allow and Cancel), oauth.v2.access (single-use codes
 * bound to their redirect_uri and, when the authorize request sent one, a PKCE
 * challenge; `{ ok: false, error: "invalid_code" }` with HTTP 200 otherwise),
 * optional token rotation (xoxe.xoxb- access tokens with expires_in and
 * xoxe-1- refresh tokens, each refresh token used once) and auth.revoke.
 */
import { codeChallenge } from "../../services/auth/oidc/flow_cookie.ts";

export const SLACK_CLIENT = { id: "1111111111.2222222222", secret: "slack-client-secret-0123456789" };
export const SLACK_APP_ID = "A0OPSDECK1";

export interface Workspace {
  id: string;
  name: string;
  /** Set for a workspace of an Enterprise Grid organisation. */
  enterprise?: { id: string; name: string };
}

interface Code {
  teamId: string;
  redirectUri: string;
  scope: string;
  challenge: string | null;
  used: boolean;
}

interface Issued {
  teamId: string;
  scope: string;
  revoked: boolean;
  expiresAt: number | null;
}

export interface SlackOAuth {
  workspaces: Workspace[];
  /** Token rotation on (Slack's opt-in): access tokens expire after `expiresIn` s and come with a refresh token. */
  rotation: boolean;
  expiresIn: number;
  /** Each oauth.v2.access call's grant_type (absent is authorization_code, as Slack defaults it). */
  tokenCalls: string[];
  /** Every token auth.revoke revoked, in order. */
  revoked: string[];
  /** The workspace's admin removes the app: every token issued for it answers `token_revoked`. */
  removeApp(teamId: string): void;
  env(base: string): Record<string, string>;
  authorize(req: Request): Promise<Response>;
  access(req: Request, args: Record<string, unknown>): Promise<Response>;
  /** Why Slack refuses this token, or null (tokens the stand-in did not issue are always taken). */
  refusal(token: string | null): string | null;
  revoke(token: string): boolean;
  /** auth.test's answer for a token. */
  identity(token: string | null): Record<string, unknown>;
}

const page = (body: string, status = 200) =>
  new Response(`<!doctype html><html lang="en"><head><title>Slack</title></head><body>${body}</body></html>`, {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const random = () => crypto.randomUUID().replaceAll("-", "");

export function slackOAuth(): SlackOAuth {
  const codes = new Map<string, Code>();
  const access = new Map<string, Issued>();
  const refresh = new Map<string, Issued>();
  const botUser = (teamId: string) => `U0BOT${teamId.slice(1)}`;

  const o: SlackOAuth = {
    workspaces: [
      { id: "T0ACME0001", name: "Acme Ops" },
      { id: "T0BETA0002", name: "Beta Studio", enterprise: { id: "E0GRID0001", name: "Beta Group" } },
    ],
    rotation: false,
    expiresIn: 43200,
    tokenCalls: [],
    revoked: [],
    removeApp(teamId) {
      for (const t of [...access.values(), ...refresh.values()]) if (t.teamId === teamId) t.revoked = true;
    },
    env: (base) => ({
      SLACK_CLIENT_ID: SLACK_CLIENT.id,
      SLACK_CLIENT_SECRET: SLACK_CLIENT.secret,
      SLACK_AUTHORIZE_URL: `${base}/oauth/v2/authorize`,
      SLACK_TOKEN_URL: `${base}/api/oauth.v2.access`,
      SLACK_REVOKE_URL: `${base}/api/auth.revoke`,
      SLACK_API_URL: `${base}/api/`,
    }),

    async authorize(req) {
      const url = new URL(req.url);
      if (req.method === "GET") {
        const q = url.searchParams;
        if (q.get("client_id") !== SLACK_CLIENT.id) return page("<h1>Invalid client_id parameter</h1>", 400);
        if (!q.get("scope") || !q.get("redirect_uri")) return page("<h1>Invalid arguments</h1>", 400);
        const hidden = ["redirect_uri", "state", "scope", "code_challenge"]
          .map((k) => `<input type="hidden" name="${k}" value="${esc(q.get(k) ?? "")}">`).join("");
        const options = o.workspaces.map((w) =>
          `<option value="${w.id}"${w.id === q.get("team") ? " selected" : ""}>${esc(w.name)}</option>`
        ).join("");
        return page(
          `<main><h1>Opsdeck is requesting permission to access a Slack workspace</h1>` +
            `<form method="post">${hidden}<label>Workspace <select name="team">${options}</select></label>` +
            `<p>It will be able to: ${esc(q.get("scope")!.split(",").join(", "))}</p>` +
            `<button type="submit" name="decision" value="allow">Allow</button>` +
            `<button type="submit" name="decision" value="cancel">Cancel</button></form></main>`,
        );
      }
      const form = new URLSearchParams(await req.text());
      const back = new URL(form.get("redirect_uri")!);
      back.searchParams.set("state", form.get("state") ?? "");
      if (form.get("decision") === "cancel") back.searchParams.set("error", "access_denied");
      else {
        const code = `${Date.now()}.${random()}`;
        codes.set(code, {
          teamId: form.get("team") ?? o.workspaces[0].id,
          redirectUri: form.get("redirect_uri")!,
          scope: form.get("scope") ?? "",
          challenge: form.get("code_challenge") || null,
          used: false,
        });
        back.searchParams.set("code", code);
      }
      return new Response(null, { status: 302, headers: { location: back.toString() } });
    },

    async access(req, args) {
      const grant = String(args.grant_type ?? "authorization_code");
      o.tokenCalls.push(grant);
      const basic = req.headers.get("authorization")?.match(/^Basic (.+)$/)?.[1];
      const [id, secret] = basic ? atob(basic).split(":") : [args.client_id, args.client_secret];
      if (id !== SLACK_CLIENT.id) return Response.json({ ok: false, error: "invalid_client_id" });
      if (secret !== SLACK_CLIENT.secret) return Response.json({ ok: false, error: "bad_client_secret" });
      if (grant === "refresh_token") {
        const old = refresh.get(String(args.refresh_token ?? ""));
        if (!old || old.revoked) return Response.json({ ok: false, error: "invalid_refresh_token" });
        refresh.delete(String(args.refresh_token));
        return Response.json(issue(old.teamId, old.scope));
      }
      if (grant !== "authorization_code") return Response.json({ ok: false, error: "invalid_grant_type" });
      const code = codes.get(String(args.code ?? ""));
      if (!code || code.used) return Response.json({ ok: false, error: "invalid_code" });
      code.used = true;
      if (code.redirectUri !== args.redirect_uri) return Response.json({ ok: false, error: "bad_redirect_uri" });
      if (code.challenge && code.challenge !== await codeChallenge(String(args.code_verifier ?? ""))) {
        return Response.json({ ok: false, error: "invalid_code" });
      }
      return Response.json(issue(code.teamId, code.scope));
    },

    refusal(token) {
      const t = token ? access.get(token) : undefined;
      if (!t) return null;
      if (t.revoked) return "token_revoked";
      if (t.expiresAt !== null && t.expiresAt <= Date.now()) return "token_expired";
      return null;
    },

    revoke(token) {
      const t = access.get(token);
      if (!t) return false;
      t.revoked = true;
      o.revoked.push(token);
      return true;
    },

    identity(token) {
      const t = token ? access.get(token) : undefined;
      const w = o.workspaces.find((w) => w.id === t?.teamId) ?? o.workspaces[0];
      return { team: w.name, team_id: w.id, user: "opsdeck", user_id: botUser(w.id), bot_id: "B0OPSDECK1" };
    },
  };

  function issue(teamId: string, scope: string) {
    const w = o.workspaces.find((w) => w.id === teamId)!;
    const expiresAt = o.rotation ? Date.now() + o.expiresIn * 1000 : null;
    const token = o.rotation ? `xoxe.xoxb-1-${random()}` : `xoxb-${teamId}-${random()}`;
    access.set(token, { teamId, scope, revoked: false, expiresAt });
    const rotated: Record<string, unknown> = {};
    if (o.rotation) {
      const r = `xoxe-1-${random()}`;
      refresh.set(r, { teamId, scope, revoked: false, expiresAt: null });
      Object.assign(rotated, { refresh_token: r, expires_in: o.expiresIn });
    }
    return {
      ok: true,
      app_id: SLACK_APP_ID,
      authed_user: { id: "U0GRACE001" },
      scope,
      token_type: "bot",
      access_token: token,
      bot_user_id: botUser(teamId),
      team: { id: w.id, name: w.name },
      enterprise: w.enterprise ?? null,
      is_enterprise_install: false,
      ...rotated,
    };
  }

  return o;
}
