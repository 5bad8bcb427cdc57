/**
 * The start/stop shape the dispatchers and the alert evaluator share: a loop
 * of passes that polls as the fallback, an optional LISTEN channel that cuts
 * the wait short when another process commits work (and on every
 * reconnection of the listener, since notifications sent while it was away
 * are lost), and an optional lease heartbeat for the work in hand.
 */
import { type Renewal, startRenewal } from "./lease.ts";
import { type BackgroundDeps, type Loop, runLoop } from "./loop.ts";

export interface PollingWorkerOptions {
  /** In log lines ("mail dispatcher tick failed"). */
  name: string;
  /** The worker's name in /metrics' last-good-tick. */
  telemetryName: string;
  /** Wait after a failing pass, and the usual wait a pass returns. */
  pollMs: number;
  /** One pass; returns how long to wait before the next one (0: at once). */
  pass(): Promise<number>;
  /** A NOTIFY channel whose notifications wake the worker. */
  listen?: string;
  /** Renews the leases of the work in hand, every `renewEveryMs`. */
  renew?: () => Promise<unknown>;
  renewEveryMs?: number;
  /** Work still running once the last pass returned, awaited at stop before the heartbeat ends. */
  drain?: () => Promise<unknown>;
}

export interface PollingWorker {
  wake(): void;
  /** Stops polling, listening and renewing; resolves once the pass in progress returned. */
  stop(): Promise<void>;
}

export function pollingWorker(deps: Pick<BackgroundDeps, "sql" | "logger" | "telemetry">, o: PollingWorkerOptions) {
  const loop: Loop = runLoop({
    logger: deps.logger,
    failure: `${o.name} tick failed`,
    failureWaitMs: o.pollMs,
    pass: o.pass,
    passed: () => deps.telemetry?.tick(o.telemetryName),
  });
  const wake = () => loop.wake();
  const unlisten = o.listen
    ? deps.sql.listen(o.listen, wake, wake).then((l) => l.unlisten).catch((error) => {
      deps.logger.warn(`${o.name}: listening for wake-ups failed, polling only`, { error: String(error) });
    })
    : undefined;
  const renew = o.renew;
  const renewal: Renewal | undefined = renew
    ? startRenewal({
      name: o.name,
      logger: deps.logger,
      everyMs: o.renewEveryMs,
      renew: async () => void await renew(),
    })
    : undefined;
  return {
    wake,
    async stop() {
      await loop.stop();
      await o.drain?.();
      renewal?.stop();
      await (await unlisten)?.().catch(() => {});
    },
  } satisfies PollingWorker;
}
