/**
 * A stand-in for Slack on 127.0.0.1: the Web API methods Opsdeck calls
 * (chat.postMessage, chat.update, users.info, auth.test) in Slack's JSON
 * shapes, read from the SDK's form-encoded bodies, and an incoming-webhook
 * endpoint. Every request is recorded. Faults are queued per method:
 * `{ error }` answers `{ ok: false, error }` (HTTP 200, as Slack does),
 * `{ status, retryAfter }` answers that HTTP status.
 *
 * It also installs the app as Slack's OAuth v2 does (slack_oauth.ts): the
 * consent page, oauth.v2.access and auth.revoke. A token it issued answers
 * `token_revoked` once revoked or its workspace removed the app, and
 * `token_expired` past its expiry (token rotation); any other token (a
 * pasted bot token) is taken as before.
 */
import { type SlackOAuth, slackOAuth } from "./slack_oauth.ts";

export interface SlackCall {
  method: string;
  token: string | null;
  /** The form fields, with `blocks` and friends JSON-decoded. */
  args: Record<string, unknown>;
  at: number;
}

export type SlackFault =
  | { error: string; retryAfter?: number }
  | { status: number; retryAfter?: number }
  | { hangMs: number };

export interface SlackStandIn {
  /** Point SLACK_API_URL here. */
  apiUrl: string;
  /** An incoming-webhook URL on the stand-in. */
  webhookUrl: string;
  calls: SlackCall[];
  webhookPosts: Record<string, unknown>[];
  /** Slack user id → e-mail answered by users.info. */
  users: Map<string, string>;
  fail(method: string, fault: SlackFault): void;
  /** The OAuth v2 side: workspaces, issued tokens, revocations. */
  oauth: SlackOAuth;
  /** The env a deployment sets to install the app through this stand-in. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export function startSlackStandIn(): SlackStandIn {
  const calls: SlackCall[] = [];
  const webhookPosts: Record<string, unknown>[] = [];
  const users = new Map<string, string>();
  const faults = new Map<string, SlackFault[]>();
  let seq = 0;
  const oauth = slackOAuth();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/oauth/v2/authorize") return await oauth.authorize(req);
    if (path.startsWith("/webhook/")) {
      const fault = faults.get("webhook")?.shift();
      if (fault && !("hangMs" in fault)) return faultResponse(fault);
      webhookPosts.push(await req.json());
      return new Response("ok", { headers: { "content-type": "text/plain" } });
    }
    const method = path.replace(/^\/api\//, "");
    const args: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(await req.text())) {
      args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    }
    calls.push({
      method,
      token: req.headers.get("authorization")?.replace(/^Bearer /, "") ?? null,
      args,
      at: Date.now(),
    });
    const fault = faults.get(method)?.shift();
    if (fault && "hangMs" in fault) await new Promise((resolve) => setTimeout(resolve, fault.hangMs));
    else if (fault) return faultResponse(fault);
    if (method === "oauth.v2.access") return await oauth.access(req, args);
    const token = calls.at(-1)!.token ?? (typeof args.token === "string" ? args.token : null);
    const refused = oauth.refusal(token);
    if (refused) return Response.json({ ok: false, error: refused });
    if (method === "auth.revoke") return Response.json({ ok: true, revoked: oauth.revoke(token!) });
    if (method === "auth.test") {
      return Response.json({ ok: true, ...oauth.identity(token), url: "https://acme.slack.com/" });
    }
    if (method === "chat.postMessage") {
      const ts = `1700000000.${String(++seq).padStart(6, "0")}`;
      // Slack answers with the conversation id even when posted to by #name.
      const channel = String(args.channel).startsWith("#") ? "C0NAMED" : String(args.channel);
      return Response.json({ ok: true, channel, ts, message: { text: args.text, ts, blocks: args.blocks } });
    }
    if (method === "chat.update") {
      return Response.json({ ok: true, channel: args.channel, ts: args.ts, text: args.text });
    }
    if (method === "users.info") {
      const email = users.get(String(args.user));
      if (!email) return Response.json({ ok: false, error: "user_not_found" });
      return Response.json({ ok: true, user: { id: args.user, profile: { email } } });
    }
    return Response.json({ ok: false, error: "unknown_method" });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  return {
    oauth,
    env: oauth.env(base),
    apiUrl: `${base}/api/`,
    webhookUrl: `${base}/webhook/T000/B000/XXXX`,
    calls,
    webhookPosts,
    users,
    fail(method, fault) {
      faults.set(method, [...(faults.get(method) ?? []), fault]);
    },
    stop: () => server.shutdown(),
  };
}

function faultResponse(fault: Exclude<SlackFault, { hangMs: number }>): Response {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
  if ("error" in fault) return new Response(JSON.stringify({ ok: false, error: fault.error }), { headers });
  return new Response(JSON.stringify({ ok: false, error: `http_${fault.status}` }), { status: fault.status, headers });
}
