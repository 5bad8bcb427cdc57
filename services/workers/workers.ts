/**
 * The background work one Opsdeck process runs next to the HTTP server:
 * health-check scheduler, alert evaluator, notification and mail
 * dispatchers, retention. Every worker claims its rows from PostgreSQL (FOR UPDATE SKIP
 * LOCKED with a lease, or an advisory lock), so several processes on one
 * database share the work, and each stops cleanly: `stop()` resolves once
 * in-flight work has finished or been handed back. A new worker is a
 * `create…` with start/stop in its domain (or a module here), on runLoop, and
 * one line below.
 */
import { createAlertEvaluator } from "../alerts/evaluator.ts";
import { createScheduler } from "../checks/scheduler.ts";
import { createMailDispatcher } from "../mail/dispatcher.ts";
import { createStatusSubscriptionsWorker } from "../status_pages/subscriptions_worker.ts";
import { createSlaReportWorker } from "../sla/reports.ts";
import { createDataSourceWorker } from "../data_sources/worker.ts";
import { createDispatcher } from "../notifications/dispatcher.ts";
import type { BackgroundDeps, BackgroundWorker } from "./loop.ts";
import { startRetention } from "./retention.ts";
import { createInsightsWorker } from "../insights/worker.ts";
import { createReportWorker } from "../dashboards/reports/worker.ts";
import { createIntegrationWorker } from "../integrations/worker.ts";
import { startSealer } from "../checks/sealer.ts";

export type { BackgroundDeps, BackgroundWorker } from "./loop.ts";

type StartWorker = (deps: BackgroundDeps) => BackgroundWorker;

const started = (name: string, worker: { start(): void; stop(): Promise<void> }): BackgroundWorker => {
  worker.start();
  return { name, stop: () => worker.stop() };
};

const WORKERS: StartWorker[] = [
  (deps) => started("alert-evaluator", createAlertEvaluator(deps)),
  (deps) => started("scheduler", createScheduler(deps)),
  startRetention,
  (deps) => started("notification-dispatcher", createDispatcher(deps)),
  (deps) => started("mail-dispatcher", createMailDispatcher(deps)),
  (deps) => started("status-subscriptions", createStatusSubscriptionsWorker(deps)),
  (deps) => started("sla-reports", createSlaReportWorker(deps)),
  (deps) => started("insights", createInsightsWorker(deps)),
  (deps) => started("data-sources", createDataSourceWorker(deps)),
  (deps) => started("report-worker", createReportWorker(deps)),
  (deps) => started("integrations", createIntegrationWorker(deps)),
  startSealer,
];

export function startBackgroundWork(deps: BackgroundDeps): BackgroundWorker[] {
  return WORKERS.map((start) => start(deps));
}

export async function stopBackgroundWork(workers: BackgroundWorker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.stop()));
}
