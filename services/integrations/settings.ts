/**
 * Each provider's OAuth app as this deployment configures it, read once from
 * the environment with config.ts: a provider is offered only when its
 * `<PREFIX>_CLIENT_ID` and `<PREFIX>_CLIENT_SECRET` are set; endpoints default
 * to the provider's own and may be pointed elsewhere (a stand-in in tests, a
 * proxy in production).
 */
import type { ProviderSettings } from "./provider.ts";
import { PROVIDERS } from "./registry.ts";

export type IntegrationSettings = Record<string, ProviderSettings>;

export function integrationSettings(env: Record<string, string | undefined>): IntegrationSettings {
  const out: IntegrationSettings = {};
  for (const p of Object.values(PROVIDERS)) {
    const read = (name: string) => env[`${p.envPrefix}_${name}`] || undefined;
    const clientId = read("CLIENT_ID");
    const clientSecret = read("CLIENT_SECRET");
    if (!clientId || !clientSecret) continue;
    const scopes = read("SCOPES");
    out[p.platform] = {
      clientId,
      clientSecret,
      authorizeUrl: read("AUTHORIZE_URL") ?? p.defaults.authorizeUrl,
      tokenUrl: read("TOKEN_URL") ?? p.defaults.tokenUrl,
      revokeUrl: read("REVOKE_URL") ?? p.defaults.revokeUrl,
      apiUrl: read("API_URL") ?? p.defaults.apiUrl,
      scopes: scopes ? scopes.split(/[\s,]+/).filter(Boolean) : p.defaults.scopes,
      webhookSecret: read("WEBHOOK_SECRET"),
    };
  }
  return out;
}

/** The names this module reads, so config.ts can treat the secrets as secrets. */
export function integrationSecretNames(): string[] {
  return Object.values(PROVIDERS).flatMap((p) => [`${p.envPrefix}_CLIENT_SECRET`, `${p.envPrefix}_WEBHOOK_SECRET`]);
}
