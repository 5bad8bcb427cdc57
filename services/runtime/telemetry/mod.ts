/**
 * Everything /metrics exposes, on one registry: HTTP and pool metrics,
 * database troubles, the process, the domain gauges and the workers' own
 * counters. One bundle per process, shared by the HTTP app and the workers.
 */
import { createHttpMetrics, Registry } from "../../platform/prometheus.ts";
import { createDomainMetrics } from "./domain_metrics.ts";
import { type BuildInfo, createProcessMetrics } from "./process_metrics.ts";
import { createWorkerMetrics } from "./worker_metrics.ts";

export function createTelemetry(build: BuildInfo = { version: "dev", revision: "unknown" }) {
  const registry = new Registry();
  return {
    ...createHttpMetrics(registry),
    process: createProcessMetrics(registry, build),
    domain: createDomainMetrics(registry),
    workers: createWorkerMetrics(registry),
  };
}

export type Telemetry = ReturnType<typeof createTelemetry>;
