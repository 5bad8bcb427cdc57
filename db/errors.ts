/**
 * What a database error means for the caller: the database is unreachable,
 * too slow, out of disk, read-only or out of resources — all "try later"
 * conditions (503), unlike a constraint violation or a bug (4xx/500).
 * Codes: PostgreSQL SQLSTATEs (appendix A) and postgres.js/Node socket codes.
 */
export type DatabaseTrouble = "unreachable" | "timeout" | "disk_full" | "read_only" | "overloaded";

const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  // postgres.js
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
]);

export function databaseTrouble(error: unknown): DatabaseTrouble | null {
  if (!error || typeof error !== "object") return null;
  const code = String((error as { code?: unknown }).code ?? "");
  if (SOCKET_CODES.has(code)) return "unreachable";
  // 08: connection exception; 57P01-03: the server is shutting down, crashed or starting.
  if (code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03") return "unreachable";
  // 57014: statement_timeout (or a cancel); 55P03: lock_timeout.
  if (code === "57014" || code === "55P03") return "timeout";
  if (code === "53100") return "disk_full";
  // 53000 insufficient resources, 53200 out of memory, 53300 too many connections, 53400 limits.
  if (code.startsWith("53")) return "overloaded";
  // 25006: a write in a read-only transaction (a standby, or default_transaction_read_only).
  if (code === "25006") return "read_only";
  // Deno's socket layer, when the server vanished between two writes.
  if ((error as Error).message?.includes("ended by the other party")) return "unreachable";
  return null;
}

/** Seconds a client should wait before retrying, by trouble. */
export const RETRY_AFTER_SECONDS: Record<DatabaseTrouble, number> = {
  unreachable: 5,
  timeout: 5,
  overloaded: 5,
  disk_full: 60,
  read_only: 60,
};
