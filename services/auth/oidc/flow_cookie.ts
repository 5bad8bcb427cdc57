/**
 * What the start of a sign-in must remember until the provider sends the
 * browser back: state (binds the callback to this browser), nonce (binds the
 * ID token to this sign-in), the PKCE verifier, where to go next, and for a
 * link request which user asked. It lives in a 10-minute HttpOnly cookie,
 * encrypted and authenticated with AES-GCM, so there is no server-side row to
 * clean up and nobody can read or forge it.
 */
import { z } from "zod";
import type { Keyring } from "../../platform/secrets/crypto.ts";
import { randomToken, sha256, toBase64Url } from "../tokens.ts";

export const FLOW_TTL_MS = 10 * 60_000;
const AAD = "oidc flow cookie";

const FlowSchema = z.object({
  state: z.string(),
  nonce: z.string(),
  verifier: z.string(),
  next: z.string(),
  expiresAt: z.number(),
  linkUserId: z.string().optional(),
});
export type Flow = z.infer<typeof FlowSchema>;

export function newFlow(now: Date, next: string, linkUserId?: string): Flow {
  return {
    state: randomToken(),
    nonce: randomToken(),
    // RFC 7636: 43–128 characters; 32 random bytes in base64url are 43.
    verifier: randomToken(32),
    next,
    expiresAt: now.getTime() + FLOW_TTL_MS,
    ...(linkUserId ? { linkUserId } : {}),
  };
}

/** RFC 7636 S256: base64url(SHA-256(verifier)). */
export async function codeChallenge(verifier: string): Promise<string> {
  return toBase64Url(await sha256(verifier));
}

export async function sealFlow(keyring: Keyring, flow: Flow): Promise<string> {
  const sealed = await keyring.encrypt(JSON.stringify(flow), AAD);
  return `${sealed.keyId}.${toBase64Url(sealed.ciphertext)}`;
}

/** The flow in the cookie, or undefined when it is missing, forged, from an unknown key or expired. */
export async function openFlow(keyring: Keyring, value: string | undefined, now: Date): Promise<Flow | undefined> {
  const match = value?.match(/^([0-9a-f]{8})\.([A-Za-z0-9_-]{1,4000})$/);
  if (!match) return undefined;
  try {
    const ciphertext = Uint8Array.from(
      atob(match[2].replaceAll("-", "+").replaceAll("_", "/")),
      (ch) => ch.charCodeAt(0),
    );
    const flow = FlowSchema.parse(JSON.parse(await keyring.decrypt({ keyId: match[1], ciphertext }, AAD)));
    return flow.expiresAt > now.getTime() ? flow : undefined;
  } catch {
    return undefined;
  }
}
