/**
 * A request still running after OPSDECK_REQUEST_TIMEOUT_MS answers 503 with
 * Retry-After instead of holding the client (and a socket) for as long as a
 * frozen database stays frozen. The handler's own work is not cancelled: its
 * late result is dropped, and the statement timeout ends its SQL.
 */
import type { MiddlewareHandler } from "hono";
import { busyError } from "../../services/system/database_troubles.ts";
import type { AppEnv } from "../deps.ts";
import { problemResponse } from "../problem.ts";
import { usesDatabaseQueue } from "./admission.ts";
import { isCsvUpload } from "../api/v1/data_source_files.ts";

export function requestDeadline(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!usesDatabaseQueue(c.req.path)) return next();
    // a 50 MB CSV import streams for longer; its size cap and its own statement timeout (300 s) bound it
    if (isCsvUpload(c.req.path)) return next();
    const ms = c.get("deps").config.requestTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<"expired">((resolve) => timer = setTimeout(() => resolve("expired"), ms));
    try {
      const outcome = await Promise.race([next().then(() => "done" as const), expired]);
      if (outcome === "expired") {
        c.get("deps").metrics.rejected.inc({ reason: "deadline" });
        c.res = problemResponse(c, busyError(`The request did not finish within ${ms} ms; try again shortly`));
      }
    } finally {
      clearTimeout(timer);
    }
  };
}
