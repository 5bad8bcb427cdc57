/**
 * What a provider is to Opsdeck: its OAuth 2 endpoints and scopes (real
 * defaults, each overridable by environment so tests point them at
 * 127.0.0.1 stand-ins), how to name the account a token belongs to, and its
 * periodic sync. A new provider is a folder with one of these and a line in
 * registry.ts.
 */

export interface Endpoints {
  authorizeUrl: string;
  tokenUrl: string;
  /** RFC 7009 revocation; absent: disconnect only forgets the tokens. */
  revokeUrl?: string;
  apiUrl: string;
  scopes: string[];
}

/** A provider as configured for this deployment (the OAuth app's credentials and endpoints). */
export interface ProviderSettings extends Endpoints {
  clientId: string;
  clientSecret: string;
  /** The OAuth app's webhook signing secret, for providers that send webhooks. */
  webhookSecret?: string;
}

/** The account a new token belongs to (a Linear organisation), and facts worth keeping. */
export interface Account {
  id: string;
  name: string;
  metadata: Record<string, unknown>;
}

export interface ProviderCall {
  settings: ProviderSettings;
  accessToken: string;
  metadata: Record<string, unknown>;
}

/** The token was refused (revoked, expired beyond refresh): the integration is broken until reconnected. */
export class TokenRefused extends Error {
  override name = "TokenRefused";
}

export interface ProviderDefinition {
  platform: string;
  label: string;
  /** Environment prefix: `<PREFIX>_CLIENT_ID`, `_CLIENT_SECRET`, `_AUTHORIZE_URL`, `_TOKEN_URL`, `_REVOKE_URL`, `_API_URL`, `_WEBHOOK_SECRET`. */
  envPrefix: string;
  defaults: Endpoints;
  /** Scopes as the provider wants them in the authorize URL. */
  scopeSeparator: " " | ",";
  /** Further authorize-URL parameters the provider needs (Google: access_type=offline for a refresh token). */
  authorizeParams?: Record<string, string>;
  account(call: ProviderCall): Promise<Account>;
  /** One sync pass: refresh what Opsdeck shows (metadata returned is merged and stored). */
  sync(call: ProviderCall): Promise<Record<string, unknown>>;
}
