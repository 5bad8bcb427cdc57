/**
 * OpenID Connect single sign-on (Google, Keycloak, Authentik, any issuer):
 * authorization code flow with PKCE (S256), state and nonce. `start` builds
 * the redirect to the provider and the flow to keep in the browser's
 * encrypted cookie; `finish` checks the callback against that flow, exchanges
 * the code and verifies the ID token. Who the person is in Opsdeck is decided
 * by `oidc/provision.ts`.
 */
import type { OidcConfig } from "../platform/config.ts";
import { timingSafeEqual } from "./tokens.ts";
import { createProvider, type Provider } from "./oidc/discovery.ts";
import { OidcRefusal } from "./oidc/errors.ts";
import { codeChallenge, type Flow, newFlow } from "./oidc/flow_cookie.ts";
import { exchangeCode, verifyIdToken } from "./oidc/id_token.ts";
import type { VerifiedSignIn } from "./oidc/provision.ts";

export { OidcRefusal } from "./oidc/errors.ts";
export { type Flow, FLOW_TTL_MS, openFlow, sealFlow } from "./oidc/flow_cookie.ts";
export { linkOidcIdentity, resolveOidcUser, type VerifiedSignIn } from "./oidc/provision.ts";

/** `openid` for the ID token, `email` and `profile` for the address and the name. */
export const OIDC_SCOPES = "openid email profile";

export interface OidcClient {
  start(
    input: { now: Date; next: string; redirectUri: string; linkUserId?: string },
  ): Promise<{ url: string; flow: Flow }>;
  finish(input: {
    flow: Flow;
    query: Record<string, string | undefined>;
    redirectUri: string;
    now: Date;
  }): Promise<VerifiedSignIn>;
}

/** The flow from the cookie, or a refusal when it is missing, forged or older than 10 minutes. */
export function requireFlow(flow: Flow | undefined): Flow {
  if (flow) return flow;
  throw new OidcRefusal(
    400,
    "flow_missing",
    "This single sign-on attempt expired or was started in another browser; start again",
  );
}

export function createOidcClient(config: OidcConfig, options: { fetch?: typeof fetch } = {}): OidcClient {
  const fetchFn = options.fetch ?? fetch;
  const provider: Provider = createProvider(config.issuer, { fetch: fetchFn });

  return {
    async start({ now, next, redirectUri, linkUserId }) {
      const metadata = await provider.metadata();
      const flow = newFlow(now, next, linkUserId);
      const url = new URL(metadata.authorization_endpoint);
      for (
        const [key, value] of Object.entries({
          response_type: "code",
          client_id: config.clientId,
          redirect_uri: redirectUri,
          scope: OIDC_SCOPES,
          state: flow.state,
          nonce: flow.nonce,
          code_challenge: await codeChallenge(flow.verifier),
          code_challenge_method: "S256",
        })
      ) url.searchParams.set(key, value);
      return { url: url.toString(), flow };
    },

    async finish({ flow, query, redirectUri, now }) {
      const enc = new TextEncoder();
      if (!query.state || !timingSafeEqual(enc.encode(query.state), enc.encode(flow.state))) {
        throw new OidcRefusal(
          400,
          "state_mismatch",
          "The answer from the single sign-on provider does not belong to the sign-in started here; start again",
        );
      }
      if (query.error) {
        throw new OidcRefusal(
          401,
          "provider_error",
          "The single sign-on provider did not sign you in" +
            (query.error === "access_denied" ? " (access was denied)" : ""),
          `${query.error}: ${(query.error_description ?? "").slice(0, 300)}`,
        );
      }
      if (!query.code) throw new OidcRefusal(400, "code_missing", "The single sign-on answer has no code; start again");
      const metadata = await provider.metadata();
      const tokens = await exchangeCode(fetchFn, metadata, config, {
        code: query.code,
        redirectUri,
        verifier: flow.verifier,
      }, now);
      const claims = await verifyIdToken(tokens.idToken, await provider.keys(), {
        issuer: config.issuer,
        clientId: config.clientId,
        nonce: flow.nonce,
        now,
      });
      return { issuer: config.issuer, claims, tokens };
    },
  };
}
