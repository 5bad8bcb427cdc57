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
import { logIn, postJson, setUpAndLogIn } from "./lib/api.ts";
import { type Server, startOpsdeck, tempDataDir } from "./lib/servers.ts";
import type { BenchReport, Row } from "./lib/table.ts";
import { timeRuns, type Timing } from "./lib/timing.ts";
import { measureBareHono, measureChecked, type Measurement } from "./lib/wrk.ts";
import { runWhenMain } from "./lib/main.ts";

const LOGINS = 20;
const PROJECTS = 10;

export default async function authBench(): Promise<BenchReport> {
  const dataDir = await tempDataDir("opsdeck-bench-auth-");
  let opsdeck: Server | undefined;
  try {
    const baseline = await measureBareHono();

    opsdeck = await startOpsdeck(dataDir, "warn");
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
    const projects = await measureChecked(
      `GET /api/v1/projects (API key, ${PROJECTS} projects)`,
      `${opsdeck.url}/api/v1/projects?limit=50`,
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
        http(
          "auth GET /api/v1/projects api key",
          `GET /api/v1/projects?limit=50, API key (${PROJECTS} projects, 2 environments each)`,
          projects,
        ),
        { name: "auth POST /api/v1/sessions sequential", label: "POST /api/v1/sessions, 1 at a time", ...sequential },
        {
          name: "auth POST /api/v1/sessions concurrency 2",
          label: "POST /api/v1/sessions, 2 at a time",
          ...concurrent,
        },
      ],
    };
  } finally {
    await opsdeck?.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
}

/** First-run set-up through the page, a login, PROJECTS projects, and an unscoped API key for the admin. */
async function bootstrap(url: string): Promise<string> {
  const token = await setUpAndLogIn(url);
  const client = await postJson(url, "/api/v1/clients", token, { name: "Bench client" });
  for (let i = 0; i < PROJECTS; i++) {
    await postJson(url, "/api/v1/projects", token, {
      client_id: client.id,
      name: `Bench project ${i}`,
      slug: `bench-project-${i}`,
      environments: [
        { name: "production", url: `https://p${i}.example.com` },
        { name: "staging", url: `https://staging.p${i}.example.com` },
      ],
    });
  }
  return (await postJson(url, "/api/v1/api-keys", token, { name: "bench" })).key;
}

/** `count` logins, `concurrency` in flight at once; latency of each, and logins per second over the whole batch. */
function timeLogins(url: string, count: number, concurrency: number): Promise<Timing> {
  return timeRuns(
    async () => {
      const response = await logIn(url);
      await response.body?.cancel();
      return response.status === 201;
    },
    count,
    { concurrency },
  );
}

function ratio(m: Measurement, base: Measurement): string {
  return `${(m.requestsPerSecond / base.requestsPerSecond).toFixed(2)}×`;
}

/** Extra server time per request at saturation: the difference of the inverse throughputs. */
function addedMs(m: Measurement, base: Measurement): string {
  return (1000 / m.requestsPerSecond - 1000 / base.requestsPerSecond).toFixed(3);
}

await runWhenMain(import.meta, authBench);
