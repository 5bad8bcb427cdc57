/**
 * What a provider is to Opsdeck: its OAuth 2 endpoints and scopes (real
 * defaults, each overridable by environment so tests point them at
 * 127.0.0.1 stand-ins), how to name the account a token belongs to, and its
 * periodic sync. A new provider is a folder with one of these and a line in
 * registry.ts.
 */
import type { Sql } from "../../db/client.ts";

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
  /** Outbound calls to the provider's API (a REST provider uses it; an SDK brings its own). */
  fetch: typeof fetch;
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
  /** Further authorize URL parameters the provider wants. */
  authorizeParams?: Record<string, string>;
  /** Whom the new token belongs to; `grant` is the rest of the token answer (Slack names the workspace there). */
  account(call: ProviderCall, grant: Record<string, unknown>): Promise<Account>;
  /**
   * Revokes the tokens at disconnect, when the provider does not take RFC 7009 at `revokeUrl` (Slack's auth.revoke
   * takes the token as its bearer); true when the provider confirmed it.
   */
  revoke?(
    settings: ProviderSettings,
    tokens: { access: string; refresh: string | null },
    fetch: typeof globalThis.fetch,
  ): Promise<boolean>;
  /** After a connect or reconnect, in its transaction (Slack: the workspace's broken channels work again). */
  connected?(tx: Sql, tenantId: string, id: string): Promise<void>;
  /** One sync pass: refresh what Opsdeck shows (metadata returned is merged and stored). */
  sync(call: ProviderCall): Promise<Record<string, unknown>>;
}
