/**
 * The back channel of the authorization code flow: exchange the code (with
 * the PKCE verifier) at the token endpoint, then verify the ID token with
 * jose before believing a single claim in it.
 */
import { errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import { timingSafeEqual } from "../tokens.ts";
import { fetchJson, type ProviderMetadata } from "./discovery.ts";
import { OidcRefusal } from "./errors.ts";

/**
 * Asymmetric algorithms only. Without this allow-list a token with
 * `alg: none`, or HS256 "signed" with the provider's public key as the HMAC
 * secret, could be accepted by a careless verifier; jose refuses both here.
 */
export const ID_TOKEN_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
];
/** Allowed difference between our clock and the provider's, for exp/iat/nbf. */
export const CLOCK_TOLERANCE_SECONDS = 60;

const TokenResponse = z.object({
  id_token: z.string().min(1).max(16_384),
  access_token: z.string().min(1).max(16_384).optional(),
  refresh_token: z.string().min(1).max(16_384).optional(),
  expires_in: z.coerce.number().int().positive().max(10 * 365 * 86_400).optional(),
  scope: z.string().max(2000).optional(),
});

export interface ProviderTokens {
  idToken: string;
  accessToken?: string;
  refreshToken?: string;
  expiresAt?: Date;
  scopes: string[];
}

/**
 * POSTs the code to the token endpoint, authenticating as the provider says it
 * accepts: client_secret_basic (the default when it says nothing, RFC 8414),
 * else client_secret_post.
 */
export async function exchangeCode(
  fetchFn: typeof fetch,
  metadata: ProviderMetadata,
  client: { clientId: string; clientSecret: string },
  grant: { code: string; redirectUri: string; verifier: string },
  now: Date,
): Promise<ProviderTokens> {
  const methods = metadata.token_endpoint_auth_methods_supported ?? ["client_secret_basic"];
  const form = new URLSearchParams({
    grant_type: "authorization_code",
    code: grant.code,
    redirect_uri: grant.redirectUri,
    code_verifier: grant.verifier,
  });
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (methods.includes("client_secret_basic")) {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined and base64-encoded.
    const user = encodeURIComponent(client.clientId).replaceAll("%20", "+");
    const pass = encodeURIComponent(client.clientSecret).replaceAll("%20", "+");
    headers.Authorization = `Basic ${btoa(`${user}:${pass}`)}`;
  } else if (methods.includes("client_secret_post")) {
    form.set("client_id", client.clientId);
    form.set("client_secret", client.clientSecret);
  } else {
    throw new OidcRefusal(
      502,
      "unsupported_client_auth",
      "The single sign-on provider does not accept a client secret; configure it for client_secret_basic or client_secret_post",
      `token_endpoint_auth_methods_supported: ${methods.join(", ")}`,
    );
  }
  const parsed = TokenResponse.safeParse(
    await fetchJson(fetchFn, metadata.token_endpoint, { method: "POST", headers, body: form }),
  );
  if (!parsed.success) {
    throw new OidcRefusal(
      502,
      "token_response_invalid",
      "The single sign-on provider's token response was not usable",
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    );
  }
  const t = parsed.data;
  return {
    idToken: t.id_token,
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expiresAt: t.expires_in ? new Date(now.getTime() + t.expires_in * 1000) : undefined,
    scopes: t.scope ? t.scope.split(" ").filter(Boolean).slice(0, 50) : [],
  };
}

const Claims = z.object({
  sub: z.string().min(1).max(255),
  email: z.string().optional(),
  // Some providers send the string "true"; anything else counts as unverified.
  email_verified: z.union([z.boolean(), z.string()]).optional(),
  name: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  azp: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]),
  nonce: z.string().optional(),
});

export interface VerifiedClaims {
  subject: string;
  /** Lower-cased; absent when the token has none or it is not an address. */
  email?: string;
  emailVerified: boolean;
  name?: string;
}

/** Verifies signature, issuer, audience, expiry (±60 s), authorized party and nonce. */
export async function verifyIdToken(
  idToken: string,
  keys: JWTVerifyGetKey,
  expected: { issuer: string; clientId: string; nonce: string; now: Date },
): Promise<VerifiedClaims> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(idToken, keys, {
      issuer: expected.issuer,
      audience: expected.clientId,
      algorithms: ID_TOKEN_ALGORITHMS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: expected.now,
      requiredClaims: ["sub", "exp", "iat"],
    }));
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) throw invalid(`${error.code}: ${error.message}`);
    throw error;
  }
  const parsed = Claims.safeParse(payload);
  if (!parsed.success) {
    throw invalid(`claims: ${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`);
  }
  const claims = parsed.data;
  // OpenID Connect Core §3.1.3.7: with several audiences, azp must be us; when present it must be us.
  if ((Array.isArray(claims.aud) && claims.aud.length > 1 || claims.azp) && claims.azp !== expected.clientId) {
    throw invalid(`azp ${claims.azp ?? "(missing)"} is not the client id`);
  }
  const enc = new TextEncoder();
  if (!claims.nonce || !timingSafeEqual(enc.encode(claims.nonce), enc.encode(expected.nonce))) {
    throw invalid("nonce does not match the one sent with this sign-in");
  }
  const email = claims.email?.trim().toLowerCase();
  const name = claims.name?.trim() || [claims.given_name, claims.family_name].filter(Boolean).join(" ").trim();
  return {
    subject: claims.sub,
    email: email && z.email().max(320).safeParse(email).success ? email : undefined,
    emailVerified: claims.email_verified === true || claims.email_verified === "true",
    name: name ? name.slice(0, 200) : undefined,
  };
}

function invalid(logDetail: string): OidcRefusal {
  return new OidcRefusal(
    401,
    "id_token_invalid",
    "The single sign-on provider's answer could not be verified, so you were not signed in. Try again; if it keeps " +
      "happening, ask an admin to check the single sign-on settings",
    logDetail,
  );
}
