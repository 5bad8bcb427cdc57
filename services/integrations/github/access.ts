/**
 * A GitHub integration of the caller's tenant, and running GitHub calls on
 * its token: a token GitHub refuses (401 Bad credentials, or a refresh it
 * will not do) marks the integration broken through the common path (audit,
 * event, admins e-mailed) and answers 409; any other refusal by GitHub is a
 * 409 naming GitHub's words, never a 500.
 */
import type { Sql } from "../../../db/client.ts";
import * as q from "../../../db/queries/integrations.ts";
import { withTenant } from "../../../db/tenant.ts";
import { ConflictError, NotFoundError } from "../../platform/errors.ts";
import { integrationBroken, type IntegrationDeps, providerCall } from "../integrations.ts";
import { type ProviderCall, TokenRefused } from "../provider.ts";
import { GithubRefused } from "./client.ts";

export async function githubIntegration(sql: Sql, tenantId: string, id: string): Promise<q.IntegrationRow> {
  const row = await withTenant(sql, tenantId, (tx) => q.getIntegration(tx, tenantId, id));
  if (!row || row.platform !== "github") throw new NotFoundError("Integration not found");
  if (row.status !== "connected") {
    throw new ConflictError(`The GitHub integration is ${row.status}: reconnect it first`);
  }
  return row;
}

export async function withGithub<T>(
  sql: Sql,
  deps: IntegrationDeps,
  tenantId: string,
  id: string,
  now: Date,
  run: (call: ProviderCall) => Promise<T>,
): Promise<T> {
  try {
    return await run(await providerCall(sql, deps, tenantId, id, now));
  } catch (error) {
    if (error instanceof TokenRefused) {
      await integrationBroken(sql, deps, tenantId, id, error.message, now);
      throw new ConflictError(`GitHub refused Opsdeck's token (${error.message}): reconnect GitHub`);
    }
    if (error instanceof GithubRefused) throw new ConflictError(`GitHub answered ${error.status}: ${error.message}`);
    throw error;
  }
}
