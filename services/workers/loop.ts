/**
 * What every background worker is made of: the deps it runs on, the handle
 * the process stops it with, and the loop that runs its passes (a pass, a
 * wait it chooses, again) until `stop()`, which resolves once the pass in
 * progress has returned. A failing pass is logged and retried after a wait,
 * never ends the loop.
 */
import type { Sql } from "../../db/client.ts";
import type { Config } from "../platform/config.ts";
import type { Logger } from "../platform/logger.ts";

export interface BackgroundDeps {
  sql: Sql;
  config: Config;
  logger: Logger;
  now: () => Date;
  secret: string;
  /** Names this process in leases (claimed_by, locked_by). */
  instanceId: string;
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
    while (!stopping) {
      woken = false;
      let waitMs: number;
      try {
        waitMs = await o.pass();
      } catch (error) {
        o.logger.error(o.failure, { error: String(error) });
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
