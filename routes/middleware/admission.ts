/**
 * Admission to the database: at most `running` requests at a time go on to
 * the handlers (each holds or waits for a pool connection), at most `queue`
 * more wait here, first come first served; beyond that a request answers 503
 * at once. When the database is frozen, requests and their sockets would
 * otherwise pile up without bound (one file descriptor each). Operations
 * endpoints and static files never queue.
 */
import type { MiddlewareHandler } from "hono";
import { busyError } from "../../services/system/database_troubles.ts";
import type { AppEnv } from "../deps.ts";
import { problemResponse } from "../problem.ts";

const OPERATIONS_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/** Resolves true when a running request hands over its place, false after `ms` (and leaves the queue). */
function waitForTurn(waiting: (() => void)[], ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const turn = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      waiting.splice(waiting.indexOf(turn), 1);
      resolve(false);
    }, ms);
    waiting.push(turn);
  });
}

/** Whether a request to `path` may touch the database (everything but probes and static files). */
export function usesDatabaseQueue(path: string): boolean {
  return !OPERATIONS_PATHS.has(path) && !path.startsWith("/static/");
}

/** Liveness, readiness and metrics: answered without authentication or queueing. */
export function isOperationsPath(path: string): boolean {
  return OPERATIONS_PATHS.has(path);
}

export function admission(limits: { running: number; queue: number }): MiddlewareHandler<AppEnv> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async (c, next) => {
    if (!usesDatabaseQueue(c.req.path)) return next();
    const { metrics } = c.get("deps");
    if (running >= limits.running) {
      if (waiting.length >= limits.queue) {
        metrics.rejected.inc({ reason: "queue_full" });
        return problemResponse(c, busyError("Too many requests are waiting for the database; try again shortly"));
      }
      const started = performance.now();
      const admitted = await waitForTurn(waiting, c.get("deps").config.requestTimeoutMs);
      metrics.dbWait.observe({}, (performance.now() - started) / 1000);
      // Its deadline has passed: request_deadline.ts has answered (and counted) it already.
      if (!admitted) {
        return problemResponse(c, busyError("The database did not become free in time; try again shortly"));
      }
    } else {
      running++;
      metrics.dbWait.observe({}, 0);
    }
    try {
      await next();
    } finally {
      release();
    }
  };
}
