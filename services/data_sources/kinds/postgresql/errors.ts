/**
 * PostgreSQL errors in words a person can act on: the source's own problems
 * (cannot connect, wrong password, no such database) become SourceError (502);
 * anything the statement did (syntax, missing table, timeout, a write refused
 * by the read-only transaction) is a 422 naming `query_text`.
 */
import { ValidationError } from "../../../platform/errors.ts";
import { OutboundError } from "../../../platform/net/connect.ts";
import { SourceError } from "../types.ts";

const SOURCE_CODES: Record<string, string> = {
  "28P01": "the password was refused",
  "28000": "the user may not connect",
  "3D000": "the database does not exist",
  "53300": "the server has too many connections",
  "57P03": "the server is starting up or shutting down",
};

export function sourceProblem(error: unknown): SourceError | null {
  if (error instanceof OutboundError) return new SourceError(error.message);
  const e = error as { code?: string; message?: string; errno?: string };
  if (e.code && SOURCE_CODES[e.code]) return new SourceError(`${SOURCE_CODES[e.code]}: ${e.message}`);
  if (e.code === "ECONNREFUSED") return new SourceError("connection refused: is the server running on that port?");
  if (e.code === "CONNECT_TIMEOUT") return new SourceError("timed out connecting to the server");
  if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN") return new SourceError("could not resolve the host");
  if (e.code && /^[A-Z_]+$/.test(e.code) && !/^\d/.test(e.code)) return new SourceError(e.message ?? e.code);
  return null;
}

export function queryProblem(error: unknown): Error {
  const e = error as { code?: string; message?: string };
  if (typeof e.code !== "string") return error as Error;
  const message = e.code === "57014"
    ? "was cancelled: it ran longer than the source's statement timeout"
    : e.code === "25006"
    ? `tried to write, and runs read-only: ${e.message}`
    : `failed on the source: ${e.message}`;
  return new ValidationError([{ path: "query_text", message: `The query ${message}` }]);
}
