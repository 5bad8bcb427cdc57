/**
 * The integrations sync worker: every few seconds it claims the connected
 * integrations due a sync (or with a change waiting to be made at the
 * provider) with a 9 s lease renewed while it works (services/workers/lease.ts),
 * so replicas share them and a killed one's are taken over within a lease.
 * A pass refreshes the token if it is near expiry, re-reads the account
 * (`last_sync_at`, or `last_error`), and runs the provider's own work (Linear:
 * alert issues; GitHub: deployed commits' messages and pull requests; Google: Drive documents). A refused token
 * marks the integration broken (integrations.ts).
 */
import * as q from "../../db/queries/integrations.ts";
import { withTenant } from "../../db/tenant.ts";
import type { AuditContext } from "../audits/record.ts";
import { LEASE_MS, startRenewal } from "../workers/lease.ts";
import { type BackgroundDeps, type Loop, runLoop } from "../workers/loop.ts";
import { integrationBroken, type IntegrationDeps, providerCall } from "./integrations.ts";
import { fetchDeployedCommits } from "./github/commits.ts";
import { refreshDriveDocuments } from "./google/documents.ts";
import { syncAlertIssues } from "./linear/issues.ts";
import { type ProviderCall, TokenRefused } from "./provider.ts";
import { providerOf } from "./registry.ts";

/** What a sync pass does beyond re-reading the account, per provider (kept here: the providers' own modules are
 * imported by the registry, and this work needs the integrations service, which imports the registry). */
interface ProviderWork {
  sql: BackgroundDeps["sql"];
  deps: IntegrationDeps;
  call: ProviderCall;
  row: q.DueIntegration;
  ctx: AuditContext;
  now: Date;
}
const PROVIDER_WORK: Record<string, (w: ProviderWork) => Promise<unknown>> = {
  linear: (w) => syncAlertIssues(w.sql, w.deps, w.row.tenant_id, w.row.id, w.ctx),
  github: (w) => fetchDeployedCommits(w.sql, w.call, w.row.tenant_id, w.now),
  google: (w) => refreshDriveDocuments(w.sql, w.call, w.row.tenant_id, w.row.id, w.now),
};

const POLL_MS = 5_000;
export const SYNC_EVERY_MS = 60_000;
const RETRY_AFTER_ERROR_MS = 5 * 60_000;
const BATCH = 10;

export interface IntegrationWorker {
  tick(): Promise<{ synced: number; failed: number }>;
  start(): void;
  stop(): Promise<void>;
}

export function integrationDeps(deps: Pick<BackgroundDeps, "config" | "secret">, fetchFn = fetch): IntegrationDeps {
  return {
    secret: deps.secret,
    previousSecrets: deps.config.previousSecrets,
    integrations: deps.config.integrations,
    baseUrl: deps.config.baseUrl,
    fetch: fetchFn,
  };
}

export function createIntegrationWorker(deps: BackgroundDeps & { fetch?: typeof fetch }): IntegrationWorker {
  const idDeps = integrationDeps(deps, deps.fetch);
  let loop: Loop | undefined;

  async function syncOne(row: q.DueIntegration, now: Date): Promise<boolean> {
    const ctx: AuditContext = { actor: null, actorLabel: "system:integrations", ip: null, userAgent: null, now };
    try {
      const call = await providerCall(deps.sql, idDeps, row.tenant_id, row.id, now);
      const integration = await withTenant(
        deps.sql,
        row.tenant_id,
        (tx) => q.getIntegration(tx, row.tenant_id, row.id),
      );
      const provider = providerOf(integration!.platform)!;
      const metadata = await provider.sync(call);
      await PROVIDER_WORK[provider.platform]?.({ sql: deps.sql, deps: idDeps, call, row, ctx, now });
      await withTenant(deps.sql, row.tenant_id, (tx) =>
        q.recordSync(tx, row.tenant_id, row.id, {
          at: now,
          error: null,
          metadata,
          nextAt: new Date(now.getTime() + SYNC_EVERY_MS),
        }));
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof TokenRefused) {
        await integrationBroken(deps.sql, idDeps, row.tenant_id, row.id, message, now);
      } else {
        deps.logger.warn("integration sync failed", { id: row.id, error: message });
      }
      await withTenant(deps.sql, row.tenant_id, (tx) =>
        q.recordSync(tx, row.tenant_id, row.id, {
          at: now,
          error: message,
          nextAt: new Date(now.getTime() + RETRY_AFTER_ERROR_MS),
        }));
      return false;
    }
  }

  async function tick() {
    const now = deps.now();
    await q.deleteExpiredFlows(deps.sql, now);
    const due = await q.claimDueIntegrations(deps.sql, { now, by: deps.instanceId, leaseMs: LEASE_MS, limit: BATCH });
    if (due.length === 0) return { synced: 0, failed: 0 };
    const renewal = startRenewal({
      name: "integrations",
      logger: deps.logger,
      renew: () =>
        q.renewIntegrationLeases(deps.sql, due.map((d) => d.id), deps.instanceId, new Date(Date.now() + LEASE_MS)),
    });
    let synced = 0;
    let failed = 0;
    try {
      for (const row of due) (await syncOne(row, now)) ? synced++ : failed++;
    } finally {
      renewal.stop();
    }
    return { synced, failed };
  }

  return {
    tick,
    start() {
      loop ??= runLoop({
        logger: deps.logger,
        failure: "integrations worker tick failed",
        failureWaitMs: POLL_MS,
        pass: async () => (await tick(), POLL_MS),
        passed: () => deps.telemetry?.tick("integrations"),
      });
    },
    async stop() {
      await loop?.stop();
    },
  };
}
