/**
 * Defence in depth before a saved query runs: the text must parse as exactly
 * one SELECT without INTO, locking clauses, data-modifying WITH parts or
 * functions that reach outside the result (sleeping, settings, files, other
 * servers). PostgreSQL text is parsed by PostgreSQL's own parser (npm
 * libpg-query, compiled to WASM: no native build, loaded once at start-up);
 * MySQL text by npm node-sql-parser. The read-only transaction and the
 * statement timeout in each kind are the real fence; this turns the obvious
 * mistakes into a 422 naming `query_text` before anything is sent.
 */
import { loadModule, parseSync } from "libpg-query";
import nsp from "node-sql-parser";
import { ValidationError } from "../platform/errors.ts";

// parseSync needs the WASM module; loading it here keeps assertReadOnlySelect synchronous for every caller
await loadModule();

export type Dialect = "postgresql" | "mysql";

const parser = new nsp.Parser();

/** Functions with side effects or reach beyond the query's own rows, lower case, schema dropped. */
const DENIED_FUNCTION =
  /^(pg_sleep.*|set_config|dblink.*|lo_.*|pg_read_file|pg_read_binary_file|pg_ls_dir|pg_stat_file|pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_advisory.*|pg_notify|txid_current|nextval|setval|query_to_xml.*|load_file|sleep|benchmark|get_lock|release_lock)$/;

/**
 * Texts already accepted, per dialect: parsing costs milliseconds (a PEG
 * parser in JavaScript) and a saved query runs the same text again and again.
 * The verdict depends on the text alone; bounded, oldest dropped first.
 */
const accepted = new Set<string>();
const ACCEPTED_MAX = 1000;

/** Throws ValidationError on `query_text` unless `text` is one read-only SELECT in `dialect`. */
export function assertReadOnlySelect(text: string, dialect: Dialect): void {
  const key = `${dialect}\0${text}`;
  if (accepted.has(key)) return;
  parseAndCheck(text, dialect);
  if (accepted.size >= ACCEPTED_MAX) accepted.delete(accepted.values().next().value!);
  accepted.add(key);
}

function parseAndCheck(text: string, dialect: Dialect): void {
  if (dialect === "postgresql") return checkPostgres(text);
  let ast: unknown;
  try {
    ast = parser.astify(text, { database: "mysql" });
  } catch (error) {
    reject(`does not parse as MySQL: ${firstLine(error)}`);
  }
  const statements = Array.isArray(ast) ? ast : [ast];
  if (statements.length !== 1) reject("must be exactly one statement");
  const [statement] = statements as { type?: string }[];
  if (statement?.type !== "select") reject(`must be a SELECT (or WITH … SELECT), not ${statement?.type ?? "this"}`);
  walk(statement, (node) => {
    if (node.type === "into" && node.expr) reject("must not use SELECT … INTO");
    if (typeof node.locking_read === "string" && node.locking_read) {
      reject(`must not lock rows (${node.locking_read.toUpperCase()})`);
    }
    if (node.type === "function" || node.type === "aggr_func") {
      const name = functionName(node.name);
      if (name && DENIED_FUNCTION.test(name)) reject(`must not call ${name}()`);
    }
  });
}

/** Statements a SELECT may not contain, even inside WITH (PostgreSQL allows data-modifying WITH parts). */
const WRITING = new Set(["InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"]);

const STATEMENT_WORDS: Record<string, string> = {
  InsertStmt: "INSERT",
  UpdateStmt: "UPDATE",
  DeleteStmt: "DELETE",
  MergeStmt: "MERGE",
  CopyStmt: "COPY",
  VariableSetStmt: "SET",
  TransactionStmt: "a transaction command",
  ExplainStmt: "EXPLAIN",
};

function checkPostgres(text: string): void {
  let stmts: { stmt: Node }[];
  try {
    stmts = (parseSync(text) as { stmts?: { stmt: Node }[] }).stmts ?? [];
  } catch (error) {
    reject(`does not parse as PostgreSQL: ${firstLine(error)}`);
  }
  if (stmts.length !== 1) reject("must be exactly one statement");
  const [kind] = Object.keys(stmts[0].stmt);
  if (kind !== "SelectStmt") {
    const word = STATEMENT_WORDS[kind] ?? kind.replace(/Stmt$/, "").replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase();
    reject(`must be a SELECT (or WITH … SELECT), not ${word}`);
  }
  walk(stmts[0].stmt, (node) => {
    for (const key of Object.keys(node)) {
      if (WRITING.has(key)) reject(`must not change data (${STATEMENT_WORDS[key]} inside WITH)`);
    }
    if (node.intoClause) reject("must not use SELECT … INTO");
    if (node.lockingClause) reject("must not lock rows (FOR UPDATE / FOR SHARE)");
    const call = node.FuncCall as { funcname?: { String?: { sval?: string } }[] } | undefined;
    const name = call?.funcname?.at(-1)?.String?.sval?.toLowerCase();
    if (name && DENIED_FUNCTION.test(name)) reject(`must not call ${name}()`);
  });
}

type Node = Record<string, unknown>;

function walk(value: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
  } else if (value && typeof value === "object") {
    visit(value as Node);
    for (const child of Object.values(value)) walk(child, visit);
  }
}

function functionName(name: unknown): string | null {
  if (typeof name === "string") return name.toLowerCase();
  const parts = (name as { name?: { value?: unknown }[] } | null)?.name;
  const last = Array.isArray(parts) ? parts[parts.length - 1]?.value : undefined;
  return typeof last === "string" ? last.toLowerCase() : null;
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0].slice(0, 300);
}

function reject(message: string): never {
  throw new ValidationError([{ path: "query_text", message: `The query ${message}` }]);
}
