/**
 * What identity costs. Per request: `GET /healthz` (no authentication, no
 * database), `GET /readyz` (no authentication, one query: the price of a
 * round trip to PostgreSQL alone), then `GET /api/v1/me` with an API key (hash the key, one lookup joining user,
 * role and permissions), then `GET /api/v1/api-keys` with the same key (that,
 * plus a row-level-security transaction: BEGIN, set role and tenant, SELECT,
 * COMMIT). Per login: `POST /api/v1/sessions`, whose cost is one scrypt
 * (N=2^17, r=8, p=1) plus a session row and an audit row.
 *
 * The HTTP rows carry the usual ratio to a bare Hono hello-world; the title
 * adds the ratios to `/healthz` and the time each step adds per request.
 */
import { type Server, startBareHono, startOpsdeck } from "./lib/servers.ts";
import type { BenchReport, Row } from "./lib/table.ts";
import { watchOtherCpu } from "./lib/cpu.ts";
import { measure, type Measurement } from "./lib/wrk.ts";

const EMAIL = "bench-admin@example.com";
const PASSWORD = "bench-violet-anchor-drifts-42-quietly";
const LOGINS = 20;

export default async function authBench(): Promise<BenchReport> {
  const dataDir = await Deno.makeTempDir({ prefix: "opsdeck-bench-auth-" });
  // As root, the embedded PostgreSQL runs as `postgres`, which must reach its directory inside.
  await Deno.chmod(dataDir, 0o755);
  const servers: Server[] = [];
  try {
    const bare = await startBareHono();
    servers.push(bare);
    const baseline = await measureChecked("bare Hono GET /", `${bare.url}/`);
    await servers.pop()!.stop();

    const opsdeck = await startOpsdeck(dataDir, "warn");
    servers.push(opsdeck);
    const key = await bootstrap(opsdeck.url);
    const auth = { Authorization: `Bearer ${key}` };
    const healthz = await measureChecked("GET /healthz", `${opsdeck.url}/healthz`);
    const readyz = await measureChecked("GET /readyz", `${opsdeck.url}/readyz`);
    const me = await measureChecked("GET /api/v1/me (API key)", `${opsdeck.url}/api/v1/me`, auth);
    const list = await measureChecked(
      "GET /api/v1/api-keys (API key + RLS)",
      `${opsdeck.url}/api/v1/api-keys?limit=50`,
      auth,
    );
    console.error(`bench: ${LOGINS} sequential logins, then ${LOGINS} two at a time…`);
    const sequential = await timeLogins(opsdeck.url, LOGINS, 1);
    const concurrent = await timeLogins(opsdeck.url, LOGINS, 2);

    const http = (name: string, label: string, m: Measurement): Row => ({
      name,
      label,
      ...m,
      vsBaseline: m.requestsPerSecond / baseline.requestsPerSecond,
    });
    return {
      title: [
        "Auth: API-key authentication and row-level security per request, and login time",
        `  req/s vs GET /healthz: one query without auth ${ratio(readyz, healthz)}, API key ${ratio(me, healthz)}, ` +
        `API key + RLS transaction ${ratio(list, healthz)}`,
        `  time added per request (1 / throughput, vs /healthz): one query ${addedMs(readyz, healthz)} ms, ` +
        `API key ${addedMs(me, healthz)} ms, API key + RLS transaction ${addedMs(list, healthz)} ms`,
        `  login (POST /api/v1/sessions, ${LOGINS} sequential): p50 ${sequential.p50Ms.toFixed(0)} ms, ` +
        `p95 ${sequential.p95Ms.toFixed(0)} ms; two at a time: ${concurrent.requestsPerSecond.toFixed(2)} logins/s`,
      ].join("\n"),
      rows: [
        { name: "bare Hono GET /", label: "bare Hono GET /", ...baseline },
        http("auth GET /healthz", "GET /healthz (no auth)", healthz),
        http("auth GET /readyz", "GET /readyz (no auth, 1 query)", readyz),
        http("auth GET /api/v1/me api key", "GET /api/v1/me, API key", me),
        http("auth GET /api/v1/api-keys api key rls", "GET /api/v1/api-keys, API key + RLS", list),
        { name: "auth POST /api/v1/sessions sequential", label: "POST /api/v1/sessions, 1 at a time", ...sequential },
        {
          name: "auth POST /api/v1/sessions concurrency 2",
          label: "POST /api/v1/sessions, 2 at a time",
          ...concurrent,
        },
      ],
    };
  } finally {
    for (const server of servers) await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
}

/** First-run set-up through the page, a login, and an unscoped API key for the admin. */
async function bootstrap(url: string): Promise<string> {
  const setup = await fetch(`${url}/setup`, {
    method: "POST",
    body: new URLSearchParams({ organization: "Bench Agency", name: "Bench Admin", email: EMAIL, password: PASSWORD }),
    redirect: "manual",
  });
  await setup.body?.cancel();
  if (setup.status !== 303) throw new Error(`set-up answered ${setup.status}`);
  const token = (await expectJson(await login(url), 201)).token;
  const created = await fetch(`${url}/api/v1/api-keys`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: "bench" }),
  });
  return (await expectJson(created, 201)).key;
}

function login(url: string): Promise<Response> {
  return fetch(`${url}/api/v1/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
}

async function expectJson(response: Response, status: number) {
  if (response.status !== status) {
    throw new Error(`${response.url} answered ${response.status}: ${await response.text()}`);
  }
  return await response.json();
}

/** `count` logins, `concurrency` in flight at once; latency of each, and logins per second over the whole batch. */
async function timeLogins(url: string, count: number, concurrency: number): Promise<Measurement & { p95Ms: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const otherCores = watchOtherCpu();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next++;
      const t0 = performance.now();
      const response = await login(url);
      await response.body?.cancel();
      latencies.push(performance.now() - t0);
      if (response.status !== 201) errors++;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: count / seconds,
    p50Ms: percentile(latencies, 50),
    p90Ms: percentile(latencies, 90),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1],
    requests: count,
    errors,
    otherCores: otherCores(),
  };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function ratio(m: Measurement, base: Measurement): string {
  return `${(m.requestsPerSecond / base.requestsPerSecond).toFixed(2)}×`;
}

/** Extra server time per request at saturation: the difference of the inverse throughputs. */
function addedMs(m: Measurement, base: Measurement): string {
  return (1000 / m.requestsPerSecond - 1000 / base.requestsPerSecond).toFixed(3);
}

/** Checks the route answers 2xx first: a load test of error answers measures nothing. */
async function measureChecked(label: string, url: string, headers: Record<string, string> = {}): Promise<Measurement> {
  const response = await fetch(url, { headers });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`${url} answered ${response.status}; not benchmarking it`);
  console.error(`bench: ${label}…`);
  return await measure(url, undefined, headers);
}
