/**
 * A data model against its source's introspected schema: every table, join
 * column and calculated field is checked (422 naming the field), and the
 * builder's choices over the model become one SELECT with quoted identifiers
 * and filter values as typed {{filter_N}} parameters. No request text reaches
 * the SQL; calculated fields arrive as SQL we rebuilt from their parse tree.
 */
import type { SchemaColumnRow } from "../../db/queries/data_sources.ts";
import { type FieldError, ValidationError } from "../platform/errors.ts";
import { grainOf, OPS, parameterType, quoteIdent } from "../data_sources/builder.ts";
import type { Parameter } from "../data_sources/parameters.ts";
import type { Dialect } from "../data_sources/sql_guard.ts";
import { compileExpression, ExpressionError } from "./expression.ts";
import type { FIELD_TYPES, ModelBuildInput, ModelDefinition } from "./schemas.ts";

type FieldType = typeof FIELD_TYPES[number];

/** A field the builder can use: its SQL and its type. */
export interface ModelField {
  name: string;
  sql: string;
  type: FieldType;
  calculated: boolean;
}

export interface ResolvedModel {
  from: string;
  fields: ModelField[];
}

const tableName = (c: SchemaColumnRow) => c.schema_name ? `${c.schema_name}.${c.table_name}` : c.table_name;

function fieldType(dataType: string): FieldType {
  const t = parameterType(dataType);
  return t === "enum" ? "text" : t;
}

/** Checks the definition against the schema; the FROM clause with its joins, and the fields it offers. */
export function resolveModel(schema: SchemaColumnRow[], dialect: Dialect, m: ModelDefinition): ResolvedModel {
  const q = (name: string) => quoteIdent(name, dialect);
  const problems: FieldError[] = [];
  const columnsOf = new Map<string, SchemaColumnRow[]>();
  m.tables.forEach((t, i) => {
    const columns = schema.filter((c) => tableName(c) === t.table);
    if (columns.length === 0) problems.push({ path: `tables.${i}.table`, message: "is not a table of this source" });
    if (columnsOf.has(t.alias)) problems.push({ path: `tables.${i}.alias`, message: "is used by another table" });
    else columnsOf.set(t.alias, columns);
  });
  if (problems.length > 0) throw new ValidationError(problems);
  const column = (ref: string) => {
    const dot = ref.indexOf(".");
    return dot < 0 ? undefined : columnsOf.get(ref.slice(0, dot))?.find((c) => c.column_name === ref.slice(dot + 1));
  };
  const ref = (alias: string, c: SchemaColumnRow) => `${q(alias)}.${q(c.column_name)}`;
  const tableSql = (i: number) => {
    const c = columnsOf.get(m.tables[i].alias)![0];
    return `${c.schema_name ? `${q(c.schema_name)}.` : ""}${q(c.table_name)} AS ${q(m.tables[i].alias)}`;
  };

  const base = m.tables[0].alias;
  const joined = new Set([base]);
  const lines = [tableSql(0)];
  m.joins.forEach((j, i) => {
    const index = m.tables.findIndex((t) => t.alias === j.alias);
    if (index <= 0 || joined.has(j.alias)) {
      return problems.push({
        path: `joins.${i}.alias`,
        message: index === 0 ? "is the base table" : index < 0 ? "is not one of the model's tables" : "is joined twice",
      });
    }
    const conditions = j.on.flatMap((pair, k) => {
      const left = column(pair.left);
      const right = column(pair.right);
      const leftAlias = pair.left.split(".")[0];
      if (!left || !joined.has(leftAlias)) {
        problems.push({ path: `joins.${i}.on.${k}.left`, message: "is not a column of a table joined before" });
      }
      if (!right || pair.right.split(".")[0] !== j.alias) {
        problems.push({ path: `joins.${i}.on.${k}.right`, message: `is not a column of ${j.alias}` });
      }
      if (!left || !right) return [];
      if (fieldType(left.data_type) !== fieldType(right.data_type)) {
        problems.push({
          path: `joins.${i}.on.${k}.right`,
          message: `is ${right.data_type} but ${pair.left} is ${left.data_type}`,
        });
      }
      return [`${ref(leftAlias, left)} = ${ref(j.alias, right)}`];
    });
    joined.add(j.alias);
    lines.push(`${j.type === "left" ? "LEFT JOIN" : "JOIN"} ${tableSql(index)} ON ${conditions.join(" AND ")}`);
  });
  m.tables.forEach((t, i) => {
    if (!joined.has(t.alias)) problems.push({ path: `tables.${i}.alias`, message: "has no join" });
  });

  const fields: ModelField[] = m.tables.flatMap((t) =>
    columnsOf.get(t.alias)!.map((c) => ({
      name: `${t.alias}.${c.column_name}`,
      sql: ref(t.alias, c),
      type: fieldType(c.data_type),
      calculated: false,
    }))
  );
  const resolve = (table: string | null, name: string) => {
    const matches = table === null
      ? m.tables.filter((t) => columnsOf.get(t.alias)!.some((c) => c.column_name === name))
      : m.tables.filter((t) => t.alias === table);
    const found = matches.length === 1
      ? columnsOf.get(matches[0].alias)!.find((c) => c.column_name === name)
      : undefined;
    if (!found) {
      const what = table ? `${table}.${name}` : name;
      throw new ExpressionError(
        matches.length > 1
          ? `names ${name}, which more than one table has: write alias.${name}`
          : `names ${what}, which is not a column of the model`,
      );
    }
    return ref(matches[0].alias, found);
  };
  const names = new Set<string>();
  m.calculated_fields.forEach((f, i) => {
    if (names.has(f.name)) problems.push({ path: `calculated_fields.${i}.name`, message: "is used by another field" });
    names.add(f.name);
    try {
      fields.push({
        name: f.name,
        sql: compileExpression(f.expression, dialect, resolve),
        type: f.type,
        calculated: true,
      });
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      problems.push({ path: `calculated_fields.${i}.expression`, message: `The expression ${error.message}` });
    }
  });
  if (problems.length > 0) throw new ValidationError(problems);
  return { from: lines.join("\n"), fields };
}

/** The builder's choices over a resolved model → one SELECT and its parameters; 422 naming the field. */
export function buildModelSql(
  model: ResolvedModel,
  dialect: Dialect,
  b: ModelBuildInput,
): { query_text: string; parameters: Parameter[] } {
  const q = (name: string) => quoteIdent(name, dialect);
  const problems: FieldError[] = [];
  const field = (name: string | undefined, path: string) => {
    const found = model.fields.find((f) => f.name === name);
    if (!found) problems.push({ path, message: "is not a field of the model" });
    return found;
  };
  const outName = (f: ModelField, suffix = "") => q(`${f.name.replace(".", "_")}${suffix}`);
  const select: string[] = [];
  const groups: string[] = [];
  b.dimensions.forEach((d, i) => {
    const f = field(d.field, `dimensions.${i}.field`);
    if (!f) return;
    if (d.grain && f.type !== "timestamp") {
      problems.push({ path: `dimensions.${i}.grain`, message: "needs a date or timestamp field" });
    }
    select.push(`${d.grain ? grainOf(f.sql, d.grain, dialect) : f.sql} AS ${outName(f, d.grain ? `_${d.grain}` : "")}`);
    groups.push(String(i + 1));
  });
  b.measures.forEach((m, i) => {
    if (m.fn === "count" && !m.field) return select.push(`count(*) AS ${q("count")}`);
    const f = field(m.field, `measures.${i}.field`);
    if (!f) return;
    const expr = m.fn === "count_distinct" ? `count(DISTINCT ${f.sql})` : `${m.fn}(${f.sql})`;
    select.push(`${expr} AS ${q(`${m.fn}_${f.name.replace(".", "_")}`)}`);
  });
  if (select.length === 0) problems.push({ path: "measures", message: "pick at least one dimension or measure" });
  const parameters: Parameter[] = [];
  const where = b.filters.flatMap((flt, i) => {
    const f = field(flt.field, `filters.${i}.field`);
    if (!f) return [];
    parameters.push({ name: `filter_${i + 1}`, type: f.type });
    return [`${f.sql} ${OPS[flt.op]} {{filter_${i + 1}}}`];
  });
  if (b.sort && b.sort.output > select.length) {
    problems.push({ path: "sort.output", message: `must be between 1 and ${select.length}` });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  const lines = [
    `SELECT ${select.join(", ")}`,
    `FROM ${model.from}`,
    ...(where.length ? [`WHERE ${where.join(" AND ")}`] : []),
    ...(groups.length && groups.length < select.length ? [`GROUP BY ${groups.join(", ")}`] : []),
    ...(b.sort ? [`ORDER BY ${b.sort.output} ${b.sort.direction.toUpperCase()}`] : []),
    `LIMIT ${b.limit}`,
  ];
  return { query_text: lines.join("\n"), parameters };
}
