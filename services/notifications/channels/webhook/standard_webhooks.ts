/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the
 * secret is `whsec_` + base64 of the key bytes; the signature is
 * `v1,` + base64(HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")).
 * The id is the delivery id, the same on every retry, so receivers can drop
 * duplicates; the timestamp lets them refuse replays.
 */
import { timingSafeEqual } from "../../../auth/tokens.ts";

export const SECRET_PREFIX = "whsec_";
/** 32 random bytes: the spec asks for 24 to 64. */
const SECRET_BYTES = 32;

export function generateWebhookSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
}

function keyBytes(secret: string): Uint8Array<ArrayBuffer> {
  const raw = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Uint8Array.from(atob(raw), (ch) => ch.charCodeAt(0));
}

export interface WebhookHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** The three headers for one send of `body` (the exact bytes that go on the wire). */
export async function signWebhook(secret: string, id: string, timestamp: Date, body: string): Promise<WebhookHeaders> {
  const seconds = String(Math.floor(timestamp.getTime() / 1000));
  const signature = await hmac(keyBytes(secret), `${id}.${seconds}.${body}`);
  return { "webhook-id": id, "webhook-timestamp": seconds, "webhook-signature": `v1,${toBase64(signature)}` };
}

/**
 * A receiver's check, used by the test receiver and documented for users:
 * any of the space-separated `v1,` signatures may match; the timestamp must be
 * within `toleranceSeconds` of `now`.
 */
export async function verifyWebhook(
  secret: string,
  headers: { id: string | null; timestamp: string | null; signature: string | null },
  body: string,
  now: Date,
  toleranceSeconds = 300,
): Promise<boolean> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = new TextEncoder().encode(toBase64(await hmac(keyBytes(secret), `${id}.${timestamp}.${body}`)));
  return signature.split(" ").some((part) => {
    const [version, value] = part.split(",", 2);
    return version === "v1" && value !== undefined && timingSafeEqual(new TextEncoder().encode(value), expected);
  });
}

async function hmac(key: Uint8Array<ArrayBuffer>, message: string): Promise<Uint8Array<ArrayBuffer>> {
  const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, new TextEncoder().encode(message)));
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
