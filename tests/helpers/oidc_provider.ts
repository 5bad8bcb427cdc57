/**
 * A small OpenID provider on 127.0.0.1 for the single sign-on tests:
 * discovery, JWKS, an authorize endpoint that signs the configured person in
 * at once and redirects back with a code, and a token endpoint that checks
 * client authentication, redirect URI and PKCE before returning jose-signed
 * tokens. `nextSignIn` chooses who signs in next and, for the bad-token cases,
 * how the ID token is broken.
 */
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { toBase64Url } from "../../services/auth/tokens.ts";

export type IdTokenFault =
  | "wrong_issuer"
  | "wrong_audience"
  | "expired"
  | "nonce_mismatch"
  | "alg_none"
  | "hs256_public_key"
  | "unknown_key"
  | "unknown_key_same_kid";

export interface ProviderPerson {
  sub: string;
  email?: string;
  email_verified?: boolean | string;
  name?: string;
}

export interface NextSignIn {
  fault?: IdTokenFault;
  /** Seconds added to the token's exp (negative: in the past); default +300. */
  expiresIn?: number;
  /** Sent back instead of the state the client sent. */
  state?: string;
  /** An OAuth error instead of a code (e.g. access_denied). */
  error?: string;
}

export interface TokenRequest {
  auth: "client_secret_basic" | "client_secret_post" | "none";
  ok: boolean;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The OIDC_* variables that point Opsdeck at this provider. */
  env: Record<string, string>;
  nextSignIn(person: ProviderPerson, options?: NextSignIn): void;
  tokenRequests: TokenRequest[];
  /** How often each endpoint was asked (discovery, jwks, authorize, token). */
  hits: Record<string, number>;
  stop(): Promise<void>;
}

interface Pending {
  person: ProviderPerson;
  options: NextSignIn;
  nonce: string;
  challenge: string;
  redirectUri: string;
}

export async function startOidcProvider(
  options: { authMethods?: string[]; clientId?: string; clientSecret?: string } = {},
): Promise<TestOidcProvider> {
  const clientId = options.clientId ?? "opsdeck-test";
  const clientSecret = options.clientSecret ?? "test client secret: with spaces & symbols";
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const rogue = await generateKeyPair("RS256");
  const jwk = { ...await exportJWK(publicKey), kid: "k1", alg: "RS256", use: "sig" };
  const publicPem = await exportSPKI(publicKey);
  const codes = new Map<string, Pending>();
  const tokenRequests: TokenRequest[] = [];
  const hits: Record<string, number> = {};
  let next: { person: ProviderPerson; options: NextSignIn } | undefined;
  let issuer = "";

  async function mint(p: Pending): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const fault = p.options.fault;
    const claims: JWTPayload = {
      ...p.person,
      iss: fault === "wrong_issuer" ? "https://evil.example" : issuer,
      aud: fault === "wrong_audience" ? "someone-else" : clientId,
      nonce: fault === "nonce_mismatch" ? "not-the-nonce" : p.nonce,
      iat: now,
      exp: now + (fault === "expired" ? -3600 : p.options.expiresIn ?? 300),
    };
    if (fault === "alg_none") {
      const enc = (v: unknown) => toBase64Url(new TextEncoder().encode(JSON.stringify(v)));
      return `${enc({ alg: "none", typ: "JWT" })}.${enc(claims)}.`;
    }
    if (fault === "hs256_public_key") {
      // The classic key-confusion attack: HMAC "signed" with the provider's public key.
      return await new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: "k1" })
        .sign(new TextEncoder().encode(publicPem));
    }
    if (fault === "unknown_key" || fault === "unknown_key_same_kid") {
      return await new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", kid: fault === "unknown_key" ? "rogue" : "k1" })
        .sign(rogue.privateKey);
    }
    return await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "k1" }).sign(privateKey);
  }

  async function token(request: Request): Promise<Response> {
    const form = new URLSearchParams(await request.text());
    const basic = request.headers.get("Authorization")?.match(/^Basic (.+)$/)?.[1];
    const methods = options.authMethods ?? ["client_secret_basic"];
    let auth: TokenRequest["auth"] = "none";
    let authenticated = false;
    if (basic) {
      auth = "client_secret_basic";
      const [id, secret] = atob(basic).split(":").map((s) => decodeURIComponent(s.replaceAll("+", " ")));
      authenticated = id === clientId && secret === clientSecret;
    } else if (form.has("client_secret")) {
      auth = "client_secret_post";
      authenticated = form.get("client_id") === clientId && form.get("client_secret") === clientSecret;
    }
    const entry: TokenRequest = { auth, ok: false };
    tokenRequests.push(entry);
    if (!authenticated || !methods.includes(auth)) return Response.json({ error: "invalid_client" }, { status: 401 });
    const pending = codes.get(form.get("code") ?? "");
    codes.delete(form.get("code") ?? "");
    const verifier = form.get("code_verifier") ?? "";
    const challenge = toBase64Url(
      new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
    );
    if (
      form.get("grant_type") !== "authorization_code" || !pending ||
      pending.redirectUri !== form.get("redirect_uri") || pending.challenge !== challenge
    ) {
      return Response.json({ error: "invalid_grant" }, { status: 400 });
    }
    entry.ok = true;
    return Response.json({
      token_type: "Bearer",
      access_token: `access-${crypto.randomUUID()}`,
      refresh_token: `refresh-${crypto.randomUUID()}`,
      expires_in: 3600,
      scope: "openid email profile",
      id_token: await mint(pending),
    });
  }

  function authorize(url: URL): Response {
    const q = url.searchParams;
    const redirectUri = q.get("redirect_uri") ?? "";
    if (
      q.get("client_id") !== clientId || q.get("response_type") !== "code" ||
      q.get("code_challenge_method") !== "S256" || !q.get("code_challenge") || !q.get("nonce") || !next
    ) {
      return new Response("bad authorization request", { status: 400 });
    }
    const back = new URL(redirectUri);
    back.searchParams.set("state", next.options.state ?? q.get("state") ?? "");
    if (next.options.error) back.searchParams.set("error", next.options.error);
    else {
      const code = crypto.randomUUID();
      codes.set(code, { ...next, nonce: q.get("nonce")!, challenge: q.get("code_challenge")!, redirectUri });
      back.searchParams.set("code", code);
    }
    return new Response(null, { status: 302, headers: { Location: back.toString() } });
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const url = new URL(request.url);
    hits[url.pathname] = (hits[url.pathname] ?? 0) + 1;
    switch (url.pathname) {
      case "/.well-known/openid-configuration":
        return Response.json({
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ["code"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
          code_challenge_methods_supported: ["S256"],
          token_endpoint_auth_methods_supported: options.authMethods ?? ["client_secret_basic"],
        });
      case "/jwks":
        return Response.json({ keys: [jwk] });
      case "/authorize":
        return authorize(url);
      case "/token":
        return request.method === "POST" ? await token(request) : new Response(null, { status: 405 });
      default:
        return new Response("not found", { status: 404 });
    }
  });
  issuer = `http://127.0.0.1:${server.addr.port}`;

  return {
    issuer,
    clientId,
    clientSecret,
    env: { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret },
    nextSignIn(person, options = {}) {
      next = { person, options };
    },
    tokenRequests,
    hits,
    stop: () => server.shutdown(),
  };
}
