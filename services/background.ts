/**
 * The background work one Opsdeck process runs next to the HTTP server:
 * health-check scheduler, alert evaluator, notification dispatcher,
 * retention. Every worker claims its rows from PostgreSQL (FOR UPDATE SKIP
 * LOCKED with a lease), so several processes on one database share the work,
 * and each stops cleanly: `stop()` resolves once in-flight work has finished
 * or been handed back.
 */
import type { Sql } from "../db/client.ts";
import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import type { WorkerMetrics } from "./telemetry/worker_metrics.ts";
import { startAlertEvaluator } from "./alerts/evaluator.ts";
import { startScheduler } from "./checks/scheduler.ts";
import { startRetention } from "./checks/retention.ts";
import { startDispatcher } from "./notifications/dispatcher.ts";

export interface BackgroundDeps {
  sql: Sql;
  config: Config;
  logger: Logger;
  now: () => Date;
  secret: string;
  /** Names this process in leases (claimed_by, locked_by). */
  instanceId: string;
  /** Where workers report ticks, probes and sends for /metrics (absent in most tests). */
  telemetry?: WorkerMetrics;
}

export interface BackgroundWorker {
  name: string;
  stop(): Promise<void>;
}

type StartWorker = (deps: BackgroundDeps) => BackgroundWorker;

const WORKERS: StartWorker[] = [
  startAlertEvaluator,
  startScheduler,
  startRetention,
  startDispatcher,
];

export function startBackgroundWork(deps: BackgroundDeps): BackgroundWorker[] {
  return WORKERS.map((start) => start(deps));
}

export async function stopBackgroundWork(workers: BackgroundWorker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.stop()));
}
