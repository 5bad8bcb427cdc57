/**
 * What every background worker is made of: the deps it runs on, the handle
 * the process stops it with, and the loop that runs its passes (a pass, a
 * wait it chooses, again) until `stop()`, which resolves once the pass in
 * progress has returned. A failing pass is logged (once per run of failures)
 * and retried after a wait, never ends the loop.
 */
import type { Sql } from "../../db/client.ts";
import type { Config } from "../platform/config.ts";
import type { Logger } from "../platform/logger.ts";
import type { WorkerMetrics } from "../runtime/telemetry/worker_metrics.ts";

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

export interface Loop {
  /** Cuts the current wait short (or the next one, when called during a pass). */
  wake(): void;
  stop(): Promise<void>;
}

export interface LoopOptions {
  logger: Logger;
  /** The log message of a failing pass. */
  failure: string;
  /** How long to wait after a failing pass. */
  failureWaitMs: number;
  /** One pass; returns how long to wait before the next one (0: at once). */
  pass(): Promise<number>;
  /** Told after every pass that did not fail (the workers' last-good-tick metric). */
  passed?(): void;
}

export function runLoop(o: LoopOptions): Loop {
  let stopping = false;
  let woken = false;
  let cutWait: (() => void) | null = null;

  function wait(ms: number): Promise<void> {
    if (woken || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        cutWait = null;
        resolve();
      }
      cutWait = done;
    });
  }

  const finished = (async () => {
    let failingSince: number | null = null;
    while (!stopping) {
      woken = false;
      let waitMs: number;
      try {
        waitMs = await o.pass();
        o.passed?.();
        if (failingSince !== null) {
          o.logger.info(`${o.failure}: recovered`, { failed_ms: Date.now() - failingSince });
          failingSince = null;
        }
      } catch (error) {
        // One line when it starts failing, not one per retry while the database is away.
        if (failingSince === null) o.logger.error(o.failure, { error: String(error) });
        failingSince ??= Date.now();
        waitMs = o.failureWaitMs;
      }
      if (!stopping) await wait(waitMs);
    }
  })();

  function wake() {
    if (cutWait) cutWait();
    else woken = true;
  }

  return {
    wake,
    async stop() {
      stopping = true;
      wake();
      await finished;
    },
  };
}
