/**
 * The query builder's SQL: one table of the introspected schema, dimensions
 * (columns, or a timestamp column cut to day/week/month), measures (count,
 * count distinct, sum, avg, min, max), filters, sort and limit. Every table and
 * column must be in the source's data_source_schemas and is written as a
 * quoted identifier; filter values become typed {{parameters}} of the saved
 * query, bound when it runs. No text from the request reaches the SQL.
 */
import { z } from "@hono/zod-openapi";
import type { SchemaColumnRow } from "../../db/queries/data_sources.ts";
import { type FieldError, ValidationError } from "../platform/errors.ts";
import type { Parameter } from "./parameters.ts";
import type { Dialect } from "./sql_guard.ts";

const Column = z.string().min(1).max(255);

export const BuildSchema = z.strictObject({
  table: z.string().min(1).max(511).openapi({ example: "public.orders" }),
  dimensions: z.array(z.strictObject({
    column: Column,
    grain: z.enum(["day", "week", "month"]).optional(),
  })).max(10).default([]),
  measures: z.array(z.strictObject({
    fn: z.enum(["count", "count_distinct", "sum", "avg", "min", "max"]),
    column: Column.optional().openapi({ description: "Not for count (rows)" }),
  })).max(10).default([]),
  filters: z.array(z.strictObject({
    column: Column,
    op: z.enum(["eq", "ne", "gt", "gte", "lt", "lte"]),
  })).max(10).default([]).openapi({ description: "Each becomes a parameter {{filter_N}}, typed by the column" }),
  sort: z.strictObject({ output: z.int().min(1).max(20), direction: z.enum(["asc", "desc"]) }).optional()
    .openapi({ description: "The n-th output column (dimensions first, then measures)" }),
  limit: z.int().min(1).max(10_000).default(1000),
}).openapi("QueryBuild");
export type BuildInput = z.infer<typeof BuildSchema>;

export const OPS = { eq: "=", ne: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

export function quoteIdent(name: string, dialect: Dialect): string {
  return dialect === "mysql" ? "`" + name.replaceAll("`", "``") + "`" : `"${name.replaceAll('"', '""')}"`;
}

export function parameterType(dataType: string): Parameter["type"] {
  const t = dataType.toLowerCase();
  if (/int|serial/.test(t)) return "integer";
  if (/numeric|decimal|real|double|float|number/.test(t)) return "number";
  if (/bool/.test(t)) return "boolean";
  if (/timestamp|date/.test(t)) return "timestamp";
  return "text";
}

export function grainOf(expr: string, grain: "day" | "week" | "month", dialect: Dialect): string {
  if (dialect === "postgresql") return `date_trunc('${grain}', ${expr})`;
  if (grain === "day") return `DATE(${expr})`;
  if (grain === "month") return `DATE_FORMAT(${expr}, '%Y-%m-01')`;
  return `DATE(DATE_SUB(${expr}, INTERVAL WEEKDAY(${expr}) DAY))`;
}

/** The SQL and its parameters; 422 naming the field for a table or column the schema does not have. */
export function buildSql(
  schema: SchemaColumnRow[],
  dialect: Dialect,
  b: BuildInput,
): { query_text: string; parameters: Parameter[] } {
  const problems: FieldError[] = [];
  const tableName = (c: SchemaColumnRow) => c.schema_name ? `${c.schema_name}.${c.table_name}` : c.table_name;
  const columns = schema.filter((c) => tableName(c) === b.table);
  if (columns.length === 0) throw new ValidationError([{ path: "table", message: "is not a table of this source" }]);
  const column = (name: string | undefined, path: string) => {
    const found = columns.find((c) => c.column_name === name);
    if (!found) problems.push({ path, message: "is not a column of the table" });
    return found;
  };
  const q = (name: string) => quoteIdent(name, dialect);
  const select: string[] = [];
  const groups: string[] = [];
  b.dimensions.forEach((d, i) => {
    const c = column(d.column, `dimensions.${i}.column`);
    if (!c) return;
    if (d.grain && parameterType(c.data_type) !== "timestamp") {
      problems.push({ path: `dimensions.${i}.grain`, message: "needs a date or timestamp column" });
    }
    const expr = d.grain ? grainOf(q(c.column_name), d.grain, dialect) : q(c.column_name);
    select.push(`${expr} AS ${q(d.grain ? `${c.column_name}_${d.grain}` : c.column_name)}`);
    groups.push(String(i + 1));
  });
  b.measures.forEach((m, i) => {
    if (m.fn === "count" && !m.column) return select.push(`count(*) AS ${q("count")}`);
    const c = column(m.column, `measures.${i}.column`);
    if (!c) return;
    const expr = m.fn === "count_distinct" ? `count(DISTINCT ${q(c.column_name)})` : `${m.fn}(${q(c.column_name)})`;
    select.push(`${expr} AS ${q(`${m.fn}_${c.column_name}`)}`);
  });
  if (select.length === 0) problems.push({ path: "measures", message: "pick at least one dimension or measure" });
  const parameters: Parameter[] = [];
  const where = b.filters.flatMap((f, i) => {
    const c = column(f.column, `filters.${i}.column`);
    if (!c) return [];
    parameters.push({ name: `filter_${i + 1}`, type: parameterType(c.data_type) });
    return [`${q(c.column_name)} ${OPS[f.op]} {{filter_${i + 1}}}`];
  });
  if (b.sort && b.sort.output > select.length) {
    problems.push({ path: "sort.output", message: `must be between 1 and ${select.length}` });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  const [first] = columns;
  const from = first.schema_name ? `${q(first.schema_name)}.${q(first.table_name)}` : q(first.table_name);
  const lines = [
    `SELECT ${select.join(", ")}`,
    `FROM ${from}`,
    ...(where.length ? [`WHERE ${where.join(" AND ")}`] : []),
    ...(groups.length && groups.length < select.length ? [`GROUP BY ${groups.join(", ")}`] : []),
    ...(b.sort ? [`ORDER BY ${b.sort.output} ${b.sort.direction.toUpperCase()}`] : []),
    `LIMIT ${b.limit}`,
  ];
  return { query_text: lines.join("\n"), parameters };
}
