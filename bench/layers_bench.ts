/**
 * What each layer of the request path costs on GET /healthz: Hono with the
 * /healthz handler alone (the baseline), then the same with the first 1, 2, …
 * layers of routes/request_path.ts, then the whole app (every route mounted).
 * In process (`app.fetch`), one request after another, so the figures are the
 * CPU each layer adds per request without the network's noise. The rounds
 * alternate between the apps so a busy moment hurts them all alike, and each
 * app's cost is the mean of its middle 80 % of requests (a request that
 * another process or a GC pause held up says nothing about the layer), its
 * req/s the inverse. The end-to-end /healthz row over sockets is
 * http_bench.ts's.
 */
import { Hono } from "hono";
import { createPool } from "../db/client.ts";
import { createApp } from "../routes/app.ts";
import type { AppDeps, AppEnv } from "../routes/deps.ts";
import { requestPath } from "../routes/request_path.ts";
import { createApiKeyCache } from "../services/auth/api_key_cache.ts";
import { createLoginThrottles } from "../services/auth/throttle.ts";
import { loadConfig } from "../services/platform/config.ts";
import { createLogger, lineSink } from "../services/platform/logger.ts";
import { createTelemetry } from "../services/runtime/telemetry/mod.ts";
import { DatabaseTroubles } from "../services/system/database_troubles.ts";
import { runWhenMain } from "./lib/main.ts";
import { type BenchReport, type Row, versus } from "./lib/table.ts";
import { formatTimings, summarise, type Timed } from "./lib/timing.ts";
import { watchOtherCpu } from "./lib/cpu.ts";

const REQUESTS = 2_000;
const ROUNDS = 15;
const WARMUP = 1_000;

type Fetch = (req: Request, env: unknown) => Response | Promise<Response>;

function depsForHealthz(): AppDeps {
  const metrics = createTelemetry();
  return {
    // Never connected: /healthz does not touch the database.
    sql: createPool("postgres://opsdeck@127.0.0.1:9/none", { max: 1 }),
    config: loadConfig({ OPSDECK_SECRET: "bench-secret-bench-secret-bench-secret", LOG_LEVEL: "warn" }),
    logger: createLogger("warn", lineSink(() => {})),
    migrations: [],
    metrics,
    database: { kind: "external" },
    applicationName: "opsdeck-bench",
    poolMax: 10,
    startedAt: Date.now(),
    now: () => new Date(),
    secret: "bench-secret",
    throttles: createLoginThrottles(),
    troubles: new DatabaseTroubles(metrics.dbErrors),
    apiKeys: createApiKeyCache(),
  };
}

export default async function layersBench(): Promise<BenchReport> {
  const deps = depsForHealthz();
  const layers = requestPath(deps);
  const healthz = (app: Hono<AppEnv>) => app.get("/healthz", (c) => c.json({ status: "ok" }));
  const apps: { label: string; fetch: Fetch }[] = [{
    label: "Hono + /healthz alone",
    fetch: healthz(new Hono()).fetch,
  }];
  for (let n = 1; n <= layers.length; n++) {
    const app = new Hono<AppEnv>();
    for (const [, layer] of layers.slice(0, n)) app.use("*", layer);
    apps.push({ label: `+ ${layers[n - 1][0]}`, fetch: healthz(app).fetch });
  }
  apps.push({ label: "whole app (probes take their lane)", fetch: createApp(deps).fetch });

  const env = { remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 40000 } };
  const once = async (fetch: Fetch) => {
    const res = await fetch(new Request("http://127.0.0.1:8080/healthz", { headers: { "User-Agent": "bench" } }), env);
    await res.arrayBuffer();
    return res.ok;
  };
  for (const { fetch, label } of apps) {
    for (let i = 0; i < WARMUP; i++) {
      if (!(await once(fetch))) throw new Error(`${label}: /healthz did not answer 200`);
    }
  }
  const latencies = apps.map(() => [] as number[]);
  const seconds = apps.map(() => 0);
  const errors = apps.map(() => 0);
  const otherCores = watchOtherCpu();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, { fetch }] of apps.entries()) {
      const started = performance.now();
      for (let r = 0; r < REQUESTS; r++) {
        const t0 = performance.now();
        if (!(await once(fetch))) errors[i]++;
        latencies[i].push(performance.now() - t0);
      }
      seconds[i] += (performance.now() - started) / 1000;
    }
  }
  const noise = otherCores();
  const results: Timed[] = apps.map(({ label }, i) => ({
    label,
    m: {
      ...summarise(latencies[i], seconds[i], errors[i], noise),
      requestsPerSecond: 1000 / trimmedMean(latencies[i]),
    },
  }));
  await deps.sql.end();
  const perRequestUs = (m: Timed["m"]) => 1e6 / m.requestsPerSecond;
  return {
    title: [
      `Request path on GET /healthz, in process, layer by layer (${ROUNDS} × ${REQUESTS.toLocaleString("en")} ` +
      `requests per row, rounds alternating; µs/req: mean of the middle 80 %)`,
      formatTimings("layers so far", results, {
        "µs/req": (m) => perRequestUs(m).toFixed(1),
        "added µs": (m) => {
          const i = results.findIndex((r) => r.m === m);
          return i === 0 ? "" : (perRequestUs(m) - perRequestUs(results[i - 1].m)).toFixed(1);
        },
      }),
    ].join("\n"),
    rows: versus(
      results.map(({ label, m }): Row => ({ name: `layers ${label}`, label, ...m })),
      results[0].m,
      "Hono + /healthz alone, in process",
    ),
  };
}

await runWhenMain(import.meta, layersBench);

/** The mean of the middle 80 % of `sorted` (ms). */
function trimmedMean(sorted: number[]): number {
  const cut = Math.floor(sorted.length / 10);
  const middle = sorted.slice(cut, sorted.length - cut);
  return middle.reduce((a, b) => a + b, 0) / middle.length;
}
