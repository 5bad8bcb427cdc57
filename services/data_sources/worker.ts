/**
 * The data-source worker: every few seconds it
 *   1. runs the saved queries due to be collected into a metric (the first
 *      row's first column → one metric_snapshots point for the query's project
 *      at the run's time; the metrics explorer, charts and metric alert rules
 *      then read it like any metric), and
 *   2. re-reads the schema of connected sources last read a day ago.
 * Both queues are claimed with a lease (FOR UPDATE SKIP LOCKED), so several
 * processes share the work and never run one item twice.
 */
import { claimDueCollections, claimStaleSchemas, finishCollection } from "../../db/queries/data_source_jobs.ts";
import * as sources from "../../db/queries/data_sources.ts";
import { insertPoints } from "../../db/queries/metrics.ts";
import { withTenant } from "../../db/tenant.ts";
import type { AuditContext } from "../audits/record.ts";
import { AppError } from "../platform/errors.ts";
import { type BackgroundDeps, type Loop, runLoop } from "../workers/loop.ts";
import { introspectSource } from "./data_sources.ts";
import { KIND_NAMES, KINDS } from "./kinds/mod.ts";
import type { DataSourceKind } from "./kinds/types.ts";
import type { ParameterValues } from "./parameters.ts";
import { numberOf, runSavedQueryAsSystem } from "./system_run.ts";

const POLL_MS = 15_000;
const BATCH = 20;
/** Longer than a query's longest timeout (60 s): a lease never ends while its run may still be going. */
const LEASE_SECONDS = 120;

export interface DataSourceWorker {
  tick(): Promise<{ collected: number; failed: number; introspected: number }>;
  start(): void;
  stop(): Promise<void>;
}

const systemContext = (now: Date): AuditContext => ({
  actor: null,
  actorLabel: "system:data-sources",
  ip: null,
  userAgent: null,
  now,
});

async function collect(deps: BackgroundDeps, now: Date) {
  let collected = 0;
  let failed = 0;
  for (const due of await claimDueCollections(deps.sql, { now, leaseSeconds: LEASE_SECONDS, limit: BATCH })) {
    let error: string | null = null;
    try {
      const values = (due.collect_parameters ?? {}) as ParameterValues;
      const result = await runSavedQueryAsSystem(deps.sql, due.tenant_id, due.id, values, deps, 1);
      const value = numberOf(result, "value");
      await withTenant(deps.sql, due.tenant_id, (tx) =>
        insertPoints(tx, due.tenant_id, [{
          projectId: due.collect_project_id,
          type: due.collect_metric_type,
          value,
          recordedAt: now,
        }]));
      collected++;
    } catch (e) {
      if (!(e instanceof AppError)) {
        deps.logger.error("collecting a saved query failed", { id: due.id, error: String(e) });
      }
      error = e instanceof Error ? e.message : String(e);
      failed++;
    }
    await withTenant(deps.sql, due.tenant_id, (tx) => finishCollection(tx, due.tenant_id, due.id, error));
  }
  return { collected, failed };
}

async function introspectStale(deps: BackgroundDeps, now: Date): Promise<number> {
  let done = 0;
  // a built-in source's schema is its query shapes, fixed in code: nothing to re-read
  const skipKinds = KIND_NAMES.filter((k) => (KINDS[k] as DataSourceKind).builtIn);
  for (const { id, tenant_id: tenantId } of await claimStaleSchemas(deps.sql, { now, limit: BATCH, skipKinds })) {
    const source = await withTenant(deps.sql, tenantId, (tx) => sources.getDataSource(tx, tenantId, id));
    if (!source) continue;
    try {
      await introspectSource(deps.sql, source, systemContext(now), deps);
      done++;
    } catch (error) {
      // the source's status now says why; the next try is a day away, or a user's "Read schema"
      if (!(error instanceof AppError)) deps.logger.error("daily introspection failed", { id, error: String(error) });
    }
  }
  return done;
}

export function createDataSourceWorker(deps: BackgroundDeps): DataSourceWorker {
  let loop: Loop | undefined;
  async function tick() {
    const now = deps.now();
    const { collected, failed } = await collect(deps, now);
    return { collected, failed, introspected: await introspectStale(deps, now) };
  }
  return {
    tick,
    start() {
      loop ??= runLoop({
        logger: deps.logger,
        failure: "data-source worker tick failed",
        failureWaitMs: POLL_MS,
        pass: async () => (await tick(), POLL_MS),
        passed: () => deps.telemetry?.tick("data-sources"),
      });
    },
    async stop() {
      await loop?.stop();
    },
  };
}
