/**
 * The built-in `opsdeck` source: the tenant's own checks, uptime roll-ups,
 * deployments, alerts and metrics, through the fixed query shapes of
 * shapes.ts. A saved query's text is a shape's name and its parameters a
 * subset of the shape's, with the shape's types; free SQL is refused. A run is
 * the shape's SQL in a READ ONLY transaction as opsdeck_app with the tenant set
 * (row-level security, as every tenant-scoped transaction in Opsdeck), the
 * statement timeout and the row and byte caps, and the caller's client (from
 * the principal, never the request) narrowing it to that client's projects.
 */
import { z } from "@hono/zod-openapi";
import type { Sql } from "../../../../db/client.ts";
import { withTenant } from "../../../../db/tenant.ts";
import { type FieldError, ValidationError } from "../../../platform/errors.ts";
import type { Parameter } from "../../parameters.ts";
import { limitFields } from "../limits.ts";
import { queryProblem } from "../postgresql/errors.ts";
import type { DataSourceKind, OpenSource, QueryResult, RunLimits } from "../types.ts";
import { type Shape, SHAPE_NAMES, shapeNamed, SHAPES } from "./shapes.ts";

export const OpsdeckConfigSchema = z.strictObject({ ...limitFields }).openapi("OpsdeckSourceConfig");

function home(source: OpenSource): Sql {
  if (!source.home) throw new Error("the opsdeck source needs Opsdeck's database");
  return source.home;
}

/** The tenant and client to read as; never defaulted, so a caller that forgot the client fails instead of reading all. */
function scope(source: OpenSource): { tenantId: string; clientId: string | null } {
  if (!source.tenantId || source.clientId === undefined) throw new Error("the opsdeck source needs the reader's scope");
  return { tenantId: source.tenantId, clientId: source.clientId };
}

/**
 * The shape's SQL in the tenant's read-only, row-level-security transaction. BEGIN and the scoping travel with
 * the statement (pipelined, as withTenant does: an error in either fails the statement too). No cursor: a
 * shape's rows are narrow and its statement ends in LIMIT row cap + 1, so it is read whole and cut at the byte cap.
 */
async function readShape(source: OpenSource, shape: Shape, args: unknown[], limits: RunLimits): Promise<QueryResult> {
  const { tenantId, clientId } = scope(source);
  const tx = await home(source).reserve();
  try {
    const begin = tx.unsafe("BEGIN READ ONLY").execute();
    const scoped = tx`
      SELECT set_config('opsdeck.tenant_id', ${tenantId}, true), set_config('role', 'opsdeck_app', true),
        set_config('statement_timeout', ${String(Math.floor(limits.timeoutMs))}, true),
        set_config('timezone', 'UTC', true)`.execute();
    begin.catch(() => {});
    scoped.catch(() => {});
    let rows: unknown[][];
    try {
      // deno-lint-ignore no-explicit-any
      rows = await tx.unsafe(`${shape.sql}\n      LIMIT ${limits.maxRows + 1}`, [tenantId, clientId, ...args] as any[])
        .values();
    } finally {
      // the first failure is the one to report
      await begin;
      await scoped;
    }
    await tx.unsafe("COMMIT");
    const result: QueryResult = { columns: shape.columns, rows: [], truncated: false, bytes: 0 };
    for (const row of rows) {
      if (result.rows.length >= limits.maxRows || result.bytes >= limits.maxBytes) {
        result.truncated = true;
        break;
      }
      result.rows.push(row);
      result.bytes += JSON.stringify(row).length + 1;
    }
    return result;
  } catch (error) {
    await tx.unsafe("ROLLBACK").catch(() => {});
    throw queryProblem(error);
  } finally {
    tx.release();
  }
}

const shapeList = () => SHAPE_NAMES.join(", ");

/** The query text must name a shape; the declared parameters must be the shape's, with its types. */
function checkShape(text: string, parameters: Parameter[]): { text: string; order: string[] } {
  const name = text.trim();
  const shape = shapeNamed(name);
  if (!shape) {
    const message = /\s/.test(name)
      ? `is not accepted: the Opsdeck source takes no SQL, only a query shape's name (${shapeList()})`
      : `"${name.slice(0, 100)}" is not a query shape of the Opsdeck source; one of ${shapeList()}`;
    throw new ValidationError([{ path: "query_text", message }]);
  }
  const errors: FieldError[] = [];
  parameters.forEach((p, i) => {
    const own = shape.parameters.find((s) => s.name === p.name);
    if (!own) {
      errors.push({
        path: `parameters.${i}.name`,
        message: `${shape.name} has no parameter "${p.name}"; it takes ${
          shape.parameters.map((s) => s.name).join(", ")
        }`,
      });
    } else if (own.type !== p.type) {
      errors.push({ path: `parameters.${i}.type`, message: `must be ${own.type} for ${shape.name}.${p.name}` });
    } else if (own.values && !(p.values ?? []).every((v) => own.values!.includes(v))) {
      errors.push({ path: `parameters.${i}.values`, message: `must be among ${own.values.join(", ")}` });
    }
  });
  for (const s of shape.parameters) {
    if (s.required && !parameters.some((p) => p.name === s.name)) {
      errors.push({ path: "parameters", message: `${shape.name} needs the parameter ${s.name} (${s.type})` });
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return { text: shape.name, order: parameters.map((p) => p.name) };
}

export const opsdeckKind: DataSourceKind = {
  kind: "opsdeck",
  dialect: null,
  configSchema: OpsdeckConfigSchema,
  connects: false,
  builtIn: true,
  checkQuery: checkShape,
  split: (parsed) => ({ config: { ...(parsed as Record<string, unknown>) }, secret: undefined }),
  target: () => null,
  async test(source) {
    const { tenantId } = scope(source);
    const [row] = await withTenant(
      home(source),
      tenantId,
      (tx) =>
        tx<
          { checks: number }[]
        >`SELECT count(*)::int AS checks FROM health_checks WHERE tenant_id = ${tenantId}`,
    );
    return { serverVersion: `Opsdeck's own data: ${row.checks} checks, ${SHAPES.length} query shapes` };
  },
  // the schema browser shows each shape as a table of its output columns
  introspect: () =>
    Promise.resolve(SHAPES.flatMap((s) =>
      s.columns.map((c, i) => ({
        schema_name: "",
        table_name: s.name,
        column_name: c.name,
        ordinal: i + 1,
        data_type: c.type,
        is_nullable: true,
        column_default: null,
      }))
    )),
  run(source, text, params, limits, names = []) {
    const shape = shapeNamed(text);
    if (!shape) throw new ValidationError([{ path: "query_text", message: `is not a query shape (${shapeList()})` }]);
    const args = shape.parameters.map((p) => {
      const at = names.indexOf(p.name);
      return at < 0 ? null : params[at];
    });
    return readShape(source, shape, args, limits);
  },
  // nothing is kept open
  close: () => Promise.resolve(),
};
