/**
 * Outbound HTTP for user-supplied destinations (webhook channels, Slack
 * incoming webhooks), through NET's safeRequest under `webhookPolicy`:
 * public addresses only unless OPSDECK_WEBHOOK_ALLOW lists a range (a setting
 * of its own: the probes' allow-list opens nothing here), checked on the
 * resolved address when the channel is saved and again at every send, with
 * the connection pinned to the checked address.
 *
 * Redirects are not followed (maxRedirects 0): a POST turned into a GET by a
 * 301/302 would lose the body, so a 3xx is reported as a failure naming its
 * Location and the user fixes the URL.
 */
import type { Config } from "../../config.ts";
import { checkedAddress } from "../../net/connect.ts";
import { OutboundError, safeRequest } from "../../net/http_client.ts";
import type { Resolver } from "../../net/resolve.ts";

export { OutboundError };

export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  config: Config;
  timeoutMs: number;
  maxBodyBytes: number;
  resolver?: Resolver;
}

export interface PostResponse {
  status: number;
  headers: Headers;
  body: string;
  latencyMs: number;
}

/** Why `url` may not be a webhook destination (resolved and checked now), or null when it may. */
export async function targetProblem(url: string, config: Config, resolver?: Resolver): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "must be an http: or https: URL";
  const port = Number(parsed.port) || (parsed.protocol === "https:" ? 443 : 80);
  try {
    await checkedAddress(parsed.hostname, port, config.outbound.webhook, resolver);
    return null;
  } catch (error) {
    if (!(error instanceof OutboundError)) throw error;
    const hint = error.kind === "blocked"
      ? "; an administrator can allow a private range with OPSDECK_WEBHOOK_ALLOW"
      : "";
    return `${error.message}${hint}`;
  }
}

export async function postJson(req: PostRequest): Promise<PostResponse> {
  const res = await safeRequest({
    url: req.url,
    method: "POST",
    headers: req.headers,
    body: req.body,
    policy: req.config.outbound.webhook,
    resolver: req.resolver,
    timeoutMs: req.timeoutMs,
    maxRedirects: 0,
    maxBodyBytes: req.maxBodyBytes,
  });
  return {
    status: res.status,
    headers: res.headers,
    body: new TextDecoder().decode(res.body),
    latencyMs: Math.round(res.latencyMs),
  };
}
