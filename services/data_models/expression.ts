/**
 * Calculated fields: an admin's expression over the model's columns, parsed
 * by node-sql-parser in the source's dialect and written out again from the
 * parse tree. Only the node kinds, operators, functions and cast types below
 * are accepted, and every column must be one of the model's: the SQL that
 * runs is ours, rebuilt from a checked tree, never the admin's text. So a
 * subquery, `pg_sleep(…)`, a second statement or a comment cannot get through
 * even if the parser read them in some unexpected way.
 */
import nsp from "node-sql-parser";
import type { Dialect } from "../data_sources/sql_guard.ts";

const parser = new nsp.Parser();

/** Operators between two operands; IN/BETWEEN take a list on the right. */
const BINARY = new Set([
  "+",
  "-",
  "*",
  "/",
  "%",
  "||",
  "=",
  "<>",
  "!=",
  "<",
  ">",
  "<=",
  ">=",
  "AND",
  "OR",
  "IS",
  "IS NOT",
  "LIKE",
  "NOT LIKE",
  "ILIKE",
  "NOT ILIKE",
  "IN",
  "NOT IN",
  "BETWEEN",
  "NOT BETWEEN",
]);
const UNARY = new Set(["-", "NOT"]);

/** Row-level functions without side effects; aggregates are the builder's measures, not fields. */
const FUNCTIONS = new Set([
  "abs",
  "ceil",
  "floor",
  "round",
  "greatest",
  "least",
  "coalesce",
  "nullif",
  "lower",
  "upper",
  "length",
  "trim",
  "concat",
  "date_trunc",
]);

const CASTS: Record<Dialect, Set<string>> = {
  postgresql: new Set(["NUMERIC", "DECIMAL", "INTEGER", "INT", "BIGINT", "TEXT", "DATE", "TIMESTAMP", "BOOLEAN"]),
  mysql: new Set(["SIGNED", "UNSIGNED", "DECIMAL", "CHAR", "DATE", "DATETIME"]),
};

export class ExpressionError extends Error {}

/** A column of the model: the alias of its table and its name. */
export interface ColumnRef {
  alias: string;
  column: string;
}

/**
 * Resolves a column written in the expression (`alias.column`, or a bare column when only one table has it) to
 * its quoted SQL, or throws ExpressionError saying why not.
 */
export type ResolveColumn = (table: string | null, column: string) => string;

type Node = Record<string, unknown>;

/**
 * Parse trees already read, per dialect and text: parsing costs milliseconds (a PEG parser in JavaScript) and a
 * model's fields are parsed again on every build and run, against the schema as it is then. Bounded, oldest first.
 */
const parsed = new Map<string, Node | ExpressionError>();
const PARSED_MAX = 1000;

/** The expression as SQL we wrote, or ExpressionError with a sentence a person can act on. */
export function compileExpression(text: string, dialect: Dialect, resolve: ResolveColumn): string {
  const key = `${dialect}\0${text}`;
  let tree = parsed.get(key);
  if (!tree) {
    try {
      tree = parse(text, dialect);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      tree = error;
    }
    if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, tree);
  }
  if (tree instanceof ExpressionError) throw tree;
  return emit(tree, dialect, resolve);
}

function parse(text: string, dialect: Dialect): Node {
  if (text.includes(";")) throw new ExpressionError("must be one expression: no semicolons");
  if (/--|\/\*|\{\{|\}\}/.test(text)) throw new ExpressionError("must not contain comments or {{ }}");
  let ast: unknown;
  try {
    ast = parser.astify(`SELECT ${text}`, { database: dialect === "postgresql" ? "postgresql" : "mysql" });
  } catch (error) {
    const first = String((error as Error)?.message ?? error).split("\n")[0].slice(0, 200);
    throw new ExpressionError(`does not parse: ${first}`);
  }
  const statements = Array.isArray(ast) ? ast : [ast];
  const select = statements[0] as Node | undefined;
  const columns = select?.columns as Node[] | undefined;
  if (
    statements.length !== 1 || select?.type !== "select" || !Array.isArray(columns) || columns.length !== 1 ||
    select.from || select.where || select.groupby || select.having || select.with || columns[0].as
  ) {
    throw new ExpressionError("must be one expression over the model's columns");
  }
  return columns[0].expr as Node;
}

function emit(node: Node, dialect: Dialect, resolve: ResolveColumn): string {
  const e = (n: unknown) => emit(n as Node, dialect, resolve);
  switch (node?.type) {
    case "column_ref": {
      const column = (node.column as { expr?: { value?: unknown } })?.expr?.value ?? node.column;
      if (typeof column !== "string" || column === "*") throw new ExpressionError("must name columns, not *");
      return resolve(typeof node.table === "string" ? node.table : null, column);
    }
    case "number": {
      const text = String(node.value);
      if (!/^\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) throw new ExpressionError(`has an odd number ${text}`);
      return text;
    }
    case "single_quote_string":
    case "string": {
      const escaped = String(node.value).replaceAll("'", "''");
      return `'${dialect === "mysql" ? escaped.replaceAll("\\", "\\\\") : escaped}'`;
    }
    case "bool":
      return node.value ? "TRUE" : "FALSE";
    case "null":
      return "NULL";
    case "binary_expr": {
      const op = String(node.operator).toUpperCase();
      if (!BINARY.has(op)) throw new ExpressionError(`must not use the operator ${op}`);
      if (op.endsWith("IN") || op.endsWith("BETWEEN")) {
        const list = listOf(node.right);
        if (op.endsWith("BETWEEN") && list.length !== 2) throw new ExpressionError("BETWEEN takes two values");
        const right = op.endsWith("BETWEEN") ? `${e(list[0])} AND ${e(list[1])}` : `(${list.map(e).join(", ")})`;
        return `(${e(node.left)} ${op} ${right})`;
      }
      return `(${e(node.left)} ${op} ${e(node.right)})`;
    }
    case "unary_expr": {
      const op = String(node.operator).toUpperCase();
      if (!UNARY.has(op)) throw new ExpressionError(`must not use the operator ${op}`);
      return `(${op === "NOT" ? "NOT " : "-"}${e(node.expr)})`;
    }
    case "function": {
      const name = functionName(node.name);
      if (!name || !FUNCTIONS.has(name) || (name === "date_trunc" && dialect !== "postgresql")) {
        throw new ExpressionError(
          `must not call ${name ?? "this function"}(): allowed are ${[...FUNCTIONS].join(", ")}`,
        );
      }
      const args = listOf(node.args);
      if (args.length === 0 || args.length > 10) throw new ExpressionError(`${name}() takes 1 to 10 arguments`);
      return `${name}(${args.map(e).join(", ")})`;
    }
    case "case": {
      const branches = (node.args as Node[]).map((b) =>
        b.type === "when" ? `WHEN ${e(b.cond)} THEN ${e(b.result)}` : `ELSE ${e(b.result)}`
      );
      return `(CASE${node.expr ? ` ${e(node.expr)}` : ""} ${branches.join(" ")} END)`;
    }
    case "cast": {
      const target = (node.target as { dataType?: string }[] | undefined)?.[0]?.dataType?.toUpperCase();
      if (!target || !CASTS[dialect].has(target)) {
        throw new ExpressionError(`may cast only to ${[...CASTS[dialect]].join(", ")}`);
      }
      return `CAST(${e(node.expr)} AS ${target})`;
    }
    default:
      if (node && (node.ast || node.type === "select")) throw new ExpressionError("must not contain a subquery");
      throw new ExpressionError(`must not use ${String(node?.type ?? "this").replaceAll("_", " ")}`);
  }
}

function listOf(node: unknown): Node[] {
  const n = node as Node | undefined;
  if (n?.type !== "expr_list" || !Array.isArray(n.value)) throw new ExpressionError("has a list it cannot read");
  return n.value as Node[];
}

function functionName(name: unknown): string | null {
  const parts = (name as { name?: { value?: unknown }[] } | null)?.name;
  if (!Array.isArray(parts) || parts.length !== 1) return null;
  return typeof parts[0]?.value === "string" ? parts[0].value.toLowerCase() : null;
}
