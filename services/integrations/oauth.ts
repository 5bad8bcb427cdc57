/**
 * The OAuth 2 client side of a connection (RFC 6749 authorization code with
 * PKCE S256, RFC 7636; refresh; RFC 7009 revocation), on the `fetch` it is
 * given. Client credentials go in the form body (client_secret_post), which
 * Linear, Slack, GitHub and Google all accept.
 */
import { z } from "zod";
import { codeChallenge } from "../auth/oidc/flow_cookie.ts";
import { type ProviderDefinition, type ProviderSettings, TokenRefused } from "./provider.ts";

export type Fetch = typeof fetch;

export const TokenAnswer = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.coerce.number().int().positive().optional(),
  scope: z.string().optional(),
});
export type Tokens = { access: string; refresh: string | null; expiresAt: Date | null; scopes: string[] };

export async function authorizeUrl(
  provider: ProviderDefinition,
  settings: ProviderSettings,
  o: { state: string; verifier: string; redirectUri: string },
): Promise<string> {
  const url = new URL(settings.authorizeUrl);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", settings.clientId);
  url.searchParams.set("redirect_uri", o.redirectUri);
  url.searchParams.set("scope", settings.scopes.join(provider.scopeSeparator));
  url.searchParams.set("state", o.state);
  url.searchParams.set("code_challenge", await codeChallenge(o.verifier));
  url.searchParams.set("code_challenge_method", "S256");
  // Linear and Google ask again rather than silently reusing an older grant, so an admin sees what is granted.
  url.searchParams.set("prompt", "consent");
  for (const [k, v] of Object.entries(provider.authorizeParams ?? {})) url.searchParams.set(k, v);
  return url.toString();
}

async function tokenRequest(settings: ProviderSettings, form: Record<string, string>, fetchFn: Fetch, now: Date) {
  const res = await fetchFn(settings.tokenUrl, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: new URLSearchParams({ client_id: settings.clientId, client_secret: settings.clientSecret, ...form }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || body.error) {
    const why = typeof body.error === "string" ? body.error : `HTTP ${res.status}`;
    // invalid_grant: a used, expired or revoked code or refresh token; nothing will make it work again.
    if (res.status === 400 || res.status === 401 || why === "invalid_grant") throw new TokenRefused(why);
    throw new Error(`token endpoint answered ${why}`);
  }
  const t = TokenAnswer.parse(body);
  return {
    access: t.access_token,
    refresh: t.refresh_token ?? null,
    expiresAt: t.expires_in ? new Date(now.getTime() + t.expires_in * 1000) : null,
    scopes: t.scope ? t.scope.split(/[\s,]+/).filter(Boolean) : settings.scopes,
  } satisfies Tokens;
}

export function exchangeCode(
  settings: ProviderSettings,
  o: { code: string; verifier: string; redirectUri: string },
  fetchFn: Fetch,
  now: Date,
): Promise<Tokens> {
  return tokenRequest(
    settings,
    {
      grant_type: "authorization_code",
      code: o.code,
      code_verifier: o.verifier,
      redirect_uri: o.redirectUri,
    },
    fetchFn,
    now,
  );
}

export async function refreshTokens(
  settings: ProviderSettings,
  refresh: string,
  fetchFn: Fetch,
  now: Date,
): Promise<Tokens> {
  const next = await tokenRequest(settings, { grant_type: "refresh_token", refresh_token: refresh }, fetchFn, now);
  // A provider that does not rotate refresh tokens answers without one: the old one stays good.
  return { ...next, refresh: next.refresh ?? refresh };
}

/** Best effort: a provider that is down or already forgot the token must not keep an admin connected. */
export async function revokeToken(settings: ProviderSettings, token: string, fetchFn: Fetch): Promise<boolean> {
  if (!settings.revokeUrl) return false;
  try {
    const res = await fetchFn(settings.revokeUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        token,
        client_id: settings.clientId,
        client_secret: settings.clientSecret,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}
