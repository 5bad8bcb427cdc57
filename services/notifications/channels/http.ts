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
import { z } from "@hono/zod-openapi";
import type { Config } from "../../platform/config.ts";
import { checkedAddress } from "../../platform/net/connect.ts";
import { OutboundError, safeRequest } from "../../platform/net/http_client.ts";
import type { Resolver } from "../../platform/net/resolve.ts";
import { parseRetryAfter } from "../backoff.ts";
import { fail, failure, SEND_TIMEOUT_MS, type SendDeps, type SendResult } from "./kind.ts";

/** Enough of a receiver's answer to show in the delivery log. */
const ANSWER_BYTES = 2048;

/** A destination URL field of a channel's settings. */
export const httpUrl = (what: string) =>
  z.string().trim().max(2000).refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password;
    } catch {
      return false;
    }
  }, `must be an http(s) URL for ${what}, without user:password@`);

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

/** Refuses (422 on `path`) a destination the webhook policy does not allow. */
export async function checkTarget(path: string, url: string, config: Config): Promise<void> {
  const problem = await targetProblem(url, config);
  if (problem) fail(path, problem);
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

/** POST and classify the answer (shared by Slack incoming webhooks). */
export async function postForResult(
  url: string,
  headers: Record<string, string>,
  body: string,
  deps: SendDeps,
  permanentCodes: readonly number[] = [404, 410],
): Promise<SendResult> {
  try {
    const res = await postJson({
      url,
      headers,
      body,
      config: deps.config,
      resolver: deps.resolver,
      timeoutMs: deps.timeoutMs ?? SEND_TIMEOUT_MS,
      maxBodyBytes: ANSWER_BYTES,
    });
    const base = { responseCode: res.status, latencyMs: res.latencyMs };
    if (res.status >= 200 && res.status < 300) return { ok: true, error: null, ...base };
    const answer = res.body.trim().slice(0, 300);
    const error = `HTTP ${res.status}${answer ? `: ${answer}` : ""}`;
    if (res.status === 429) {
      return { ok: false, error, ...base, retryAfterMs: parseRetryAfter(res.headers.get("retry-after"), deps.now()) };
    }
    if (res.status >= 300 && res.status < 400) {
      return {
        ok: false,
        error: `HTTP ${res.status}: redirects are not followed (to ${res.headers.get("location")})`,
        ...base,
      };
    }
    return { ok: false, error, ...base, permanent: permanentCodes.includes(res.status) };
  } catch (error) {
    // A refused destination is retried too: an administrator may allow its range meanwhile.
    if (error instanceof OutboundError) return failure(error.message);
    throw error;
  }
}
