/** GitHub's webhook signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA-256 of the raw body>`. */
import { timingSafeEqual } from "../auth/tokens.ts";

const HEADER = /^sha256=([0-9a-f]{64})$/;

export async function signBody(secret: string, body: Uint8Array<ArrayBuffer>): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, body));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Whether `header` is the signature of `body` under `secret`, compared in constant time. */
export async function verifySignature(
  secret: string,
  body: Uint8Array<ArrayBuffer>,
  header: string | undefined,
): Promise<boolean> {
  if (!header || !HEADER.test(header)) return false;
  const expected = new TextEncoder().encode(await signBody(secret, body));
  return timingSafeEqual(expected, new TextEncoder().encode(header));
}
