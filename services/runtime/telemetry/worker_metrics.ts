/**
 * What the background workers report as they go: each successful tick, each
 * probe (with how late it started), each notification send (with how long the
 * event waited for it). Counters and histograms, rendered by /metrics.
 */
import { Counter, Gauge, Histogram, type Registry } from "../../platform/prometheus.ts";

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export function createWorkerMetrics(registry: Registry) {
  const lastTick = registry.register(
    new Gauge(
      "opsdeck_worker_last_success_timestamp_seconds",
      "Unix time of the last tick each background worker finished without error",
    ),
  );
  const probes = registry.register(new Counter("opsdeck_probes_total", "Probes run, by check type"));
  const probeFailures = registry.register(
    new Counter("opsdeck_probe_failures_total", "Probes that found their target down, by check type"),
  );
  const lag = registry.register(
    new Histogram("opsdeck_scheduler_lag_seconds", "How late a probe started after its check was due", SECONDS),
  );
  const sends = registry.register(
    new Counter("opsdeck_notification_sends_total", "Notification sends by channel kind and outcome (ok, failed)"),
  );
  const deliveryLatency = registry.register(
    new Histogram(
      "opsdeck_notification_delivery_seconds",
      "From the event's delivery row to a successful send, by channel kind",
      SECONDS,
    ),
  );
  return {
    /** A worker finished a tick without error. */
    tick(worker: string, at = Date.now()) {
      lastTick.set({ worker }, at / 1000);
    },
    probe(type: string, status: string, lagSeconds: number) {
      probes.inc({ type });
      if (status === "down") probeFailures.inc({ type });
      lag.observe({}, Math.max(0, lagSeconds));
    },
    sent(kind: string, ok: boolean, latencySeconds: number) {
      sends.inc({ kind, outcome: ok ? "ok" : "failed" });
      if (ok) deliveryLatency.observe({ kind }, Math.max(0, latencySeconds));
    },
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
