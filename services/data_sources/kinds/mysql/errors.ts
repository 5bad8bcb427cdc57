/**
 * MySQL/MariaDB errors in words a person can act on: connection and login
 * problems are SourceError (502); what the statement did (syntax, unknown
 * table, time limit, a write refused by the read-only transaction) is a 422
 * naming `query_text`.
 */
import { AppError, ValidationError } from "../../../platform/errors.ts";
import { OutboundError } from "../../../platform/net/connect.ts";
import { SourceError } from "../types.ts";

const SOURCE_ERRNOS: Record<number, string> = {
  1045: "the user name or password was refused",
  1044: "the user may not use that database",
  1049: "the database does not exist",
  1040: "the server has too many connections",
};

export function mysqlProblem(error: unknown): Error {
  if (error instanceof AppError) return error;
  if (error instanceof OutboundError) return new SourceError(error.message);
  const e = error as { code?: string; errno?: number; message?: string; sqlMessage?: string };
  if (e.errno && SOURCE_ERRNOS[e.errno]) return new SourceError(`${SOURCE_ERRNOS[e.errno]}: ${e.message}`);
  if (e.code === "ECONNREFUSED") return new SourceError("connection refused: is the server running on that port?");
  if (e.code === "ETIMEDOUT") return new SourceError("timed out connecting to the server");
  if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN") return new SourceError("could not resolve the host");
  if (e.sqlMessage === undefined) return error as Error;
  const message = e.errno === 3024 || e.errno === 1969
    ? "was cancelled: it ran longer than the source's statement timeout"
    : e.errno === 1792
    ? `tried to write, and runs read-only: ${e.sqlMessage}`
    : `failed on the source: ${e.sqlMessage}`;
  return new ValidationError([{ path: "query_text", message: `The query ${message}` }]);
}
