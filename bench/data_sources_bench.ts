/**
 * Query overhead of a PostgreSQL data source: the same SQL through the
 * postgres driver directly (baseline: one pooled connection, no transaction)
 * and through the kind's path (parameter compile + bind, the SQL guard's
 * parse, BEGIN READ ONLY, SET LOCAL statement_timeout, DECLARE cursor and the
 * growing FETCH batches), against a second embedded cluster on 127.0.0.1.
 * The query_metrics insert of a full run is not included (one more INSERT on
 * Opsdeck's own database). Goal: ≤ 1.2× the driver + 2 ms. 300 sequential
 * runs per row after 30 discarded.
 */
import postgres from "postgres";
import { loadConfig } from "../services/platform/config.ts";
import { postgresqlKind } from "../services/data_sources/kinds/postgresql/mod.ts";
import type { OpenSource } from "../services/data_sources/kinds/types.ts";
import { bind, compile, type Parameter } from "../services/data_sources/parameters.ts";
import { assertReadOnlySelect } from "../services/data_sources/sql_guard.ts";
import { sourcePolicy } from "../services/data_sources/target.ts";
import { startSourcePostgres } from "../tests/helpers/source_postgres.ts";
import type { BenchReport, Row } from "./lib/table.ts";
import { formatTimings, type Timed, timeRuns } from "./lib/timing.ts";

const RUNS = 300;
const WARMUP = 30;

interface Case {
  label: string;
  text: string;
  parameters: Parameter[];
  values: Record<string, string | number>;
}

const CASES: Case[] = [
  {
    label: "one row by id",
    text: "SELECT id, name, country FROM customers WHERE id = {{id}}",
    parameters: [{ name: "id", type: "integer" }],
    values: { id: 7 },
  },
  {
    label: "aggregate by status",
    text: "SELECT status, count(*)::int AS n, sum(total) AS revenue FROM orders WHERE total >= {{min}} GROUP BY status",
    parameters: [{ name: "min", type: "number" }],
    values: { min: 10 },
  },
  {
    label: "5,000 rows",
    text: "SELECT g AS n, 'row ' || g AS label FROM generate_series(1, {{rows}}) g",
    parameters: [{ name: "rows", type: "integer" }],
    values: { rows: 5000 },
  },
];

export default async function dataSourcesBench(): Promise<BenchReport> {
  const source = await startSourcePostgres();
  const direct = postgres({
    host: source.host,
    port: source.port,
    database: source.database,
    username: source.user,
    password: source.password,
    max: 1,
    prepare: false,
  });
  const config = loadConfig({ OPSDECK_SECRET: "x".repeat(40), OPSDECK_PROBE_ALLOW: "127.0.0.0/8" });
  const parsed = postgresqlKind.configSchema.parse({
    host: source.host,
    port: source.port,
    database: source.database,
    user: source.user,
    password: source.password,
    ssl: "disable",
  });
  const split = postgresqlKind.split(parsed);
  const open: OpenSource = {
    id: crypto.randomUUID(),
    version: "1",
    config: split.config,
    secret: split.secret ?? {},
    policy: sourcePolicy(config),
  };
  const limits = { timeoutMs: 10_000, maxRows: 10_000, maxBytes: 32 * 1024 * 1024 };
  try {
    const results: Timed[] = [];
    const rows: Row[] = [];
    for (const c of CASES) {
      const compiled = compile(c.text, "postgresql");
      const params = bind(c.parameters, compiled.order, c.values);
      console.error(`bench: data sources, ${c.label}…`);
      const baseline = await timeRuns(
        async () => {
          // deno-lint-ignore no-explicit-any
          await direct.unsafe(compiled.text, params as any[]);
          return true;
        },
        RUNS,
        { warmup: WARMUP },
      );
      const kind = await timeRuns(
        async () => {
          const compiledAgain = compile(c.text, "postgresql");
          assertReadOnlySelect(compiledAgain.text, "postgresql");
          const bound = bind(c.parameters, compiledAgain.order, c.values);
          const r = await postgresqlKind.run(open, compiledAgain.text, bound, limits);
          return r.rows.length > 0;
        },
        RUNS,
        { warmup: WARMUP },
      );
      results.push({ label: `${c.label}: driver`, m: baseline }, { label: `${c.label}: data source`, m: kind });
      const goal = baseline.p50Ms * 1.2 + 2;
      console.error(
        `bench: ${c.label}: p50 ${kind.p50Ms.toFixed(2)} ms vs driver ${baseline.p50Ms.toFixed(2)} ms ` +
          `(${(kind.p50Ms / baseline.p50Ms).toFixed(2)}×; goal ≤ ${goal.toFixed(2)} ms: ${
            kind.p50Ms <= goal ? "met" : "NOT met"
          })`,
      );
      rows.push(
        { name: `data_sources.${c.label}.driver`, label: `${c.label}: driver`, ...baseline, vsBaseline: 1 },
        {
          name: `data_sources.${c.label}.kind`,
          label: `${c.label}: data source`,
          ...kind,
          vsBaseline: kind.requestsPerSecond / baseline.requestsPerSecond,
        },
      );
    }
    return {
      title: "Data-source query overhead (PostgreSQL kind vs the driver directly)\n" + formatTimings("query", results),
      rows,
    };
  } finally {
    await direct.end();
    await postgresqlKind.close();
    await source.stop();
  }
}

if (import.meta.main) {
  const report = await dataSourcesBench();
  console.log(report.title);
}
