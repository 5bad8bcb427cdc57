/**
 * Slack request signing (v0): `X-Slack-Signature: v0=<hex HMAC-SHA256 of
 * "v0:<X-Slack-Request-Timestamp>:<raw body>">` under the app's signing
 * secret, compared in constant time. Requests more than 5 minutes from our
 * clock (either way) are refused, so a captured request cannot be replayed.
 */
import { timingSafeEqual } from "../auth/tokens.ts";

export const MAX_SKEW_SECONDS = 5 * 60;

export type SignatureProblem = "missing" | "stale" | "mismatch";

export async function slackSignature(signingSecret: string, timestamp: string, rawBody: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(signingSecret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`v0:${timestamp}:${rawBody}`)),
  );
  return "v0=" + [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Null when the request is Slack's and fresh; otherwise why not. */
export async function checkSlackSignature(
  signingSecret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: string,
  now: Date,
): Promise<SignatureProblem | null> {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return "missing";
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return "stale";
  const expected = new TextEncoder().encode(await slackSignature(signingSecret, timestamp, rawBody));
  return timingSafeEqual(new TextEncoder().encode(signature), expected) ? null : "mismatch";
}
