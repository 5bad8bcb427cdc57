/** What the integration services need from a request: secrets, the providers' settings, outbound fetch. */
import type { Context } from "hono";
import type { IntegrationDeps } from "../../services/integrations/integrations.ts";
import type { AppEnv } from "../deps.ts";

/** Provider endpoints are the operator's configuration, not user input: the plain fetch, no address policy. */
export function integrationRequestDeps(c: Context<AppEnv>): IntegrationDeps {
  const { secret, config } = c.get("deps");
  return {
    secret,
    previousSecrets: config.previousSecrets,
    integrations: config.integrations,
    baseUrl: config.baseUrl,
    fetch: globalThis.fetch,
  };
}
