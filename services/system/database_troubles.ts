/**
 * The database troubles this process has met, as 503s: counted for /metrics
 * and remembered for /readyz, which cannot find out that the disk is full
 * without writing (a read-only server it asks directly).
 */
import { type DatabaseTrouble, databaseTrouble, RETRY_AFTER_SECONDS } from "../../db/errors.ts";
import { ServiceUnavailableError } from "../platform/errors.ts";
import type { Counter } from "../platform/prometheus.ts";

const DETAIL: Record<DatabaseTrouble, string> = {
  unreachable: "The database is not reachable; try again shortly",
  timeout: "The database did not answer in time; try again shortly",
  overloaded: "The database is out of resources (connections or memory); try again shortly",
  disk_full: "The database is out of disk space: changes cannot be saved until an operator frees space; " +
    "reading still works",
  read_only: "The database is read-only: changes cannot be saved until it accepts writes again; reading still works",
};

export function describeTrouble(kind: DatabaseTrouble): string {
  return DETAIL[kind];
}

/** The 503 for a database error, or null when the error is not a database trouble. */
export function unavailableError(error: unknown): ServiceUnavailableError | null {
  const kind = databaseTrouble(error);
  return kind ? new ServiceUnavailableError(DETAIL[kind], RETRY_AFTER_SECONDS[kind]) : null;
}

/** A write trouble reported by /readyz stays this long after it was last seen. */
const WRITE_TROUBLE_MS = 60_000;

export class DatabaseTroubles {
  #lastWriteTrouble: { kind: "disk_full" | "read_only"; at: number } | null = null;

  constructor(private readonly errors?: Counter) {}

  /** Like `unavailableError`, and remembers the trouble. */
  toError(error: unknown, now = Date.now()): ServiceUnavailableError | null {
    const kind = databaseTrouble(error);
    if (kind) this.record(kind, now);
    return unavailableError(error);
  }

  record(kind: DatabaseTrouble, now = Date.now()) {
    this.errors?.inc({ kind });
    if (kind === "disk_full" || kind === "read_only") this.#lastWriteTrouble = { kind, at: now };
  }

  /** The write trouble seen within the last minute, if any. */
  writeTrouble(now = Date.now()): { kind: "disk_full" | "read_only"; detail: string } | null {
    const last = this.#lastWriteTrouble;
    if (!last || now - last.at > WRITE_TROUBLE_MS) return null;
    return { kind: last.kind, detail: DETAIL[last.kind] };
  }
}

/** The 503 of a request that ran out of time (OPSDECK_REQUEST_TIMEOUT_MS) or found no place in the queue. */
export function busyError(detail: string): ServiceUnavailableError {
  return new ServiceUnavailableError(detail, RETRY_AFTER_SECONDS.timeout);
}
