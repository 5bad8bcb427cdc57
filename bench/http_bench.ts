/**
 * Opsdeck's request overhead: `/healthz` (middleware only), `/readyz` and a
 * paginated API list (one PostgreSQL round trip each), as ratios to a bare
 * Hono hello-world measured in the same run on the same machine, so the
 * ratios stay comparable across machines even when req/s do not.
 */
import { setUpAndLogIn } from "./lib/api.ts";
import { type Server, startOpsdeck, tempDataDir } from "./lib/servers.ts";
import type { BenchReport, Row } from "./lib/table.ts";
import { measureBareHono, measureChecked, type Measurement } from "./lib/wrk.ts";
import { runWhenMain } from "./lib/main.ts";

const ROUTES = ["/healthz", "/readyz", "/api/v1/system/migrations?limit=50"];

/** `warn` is the figure to quote; `info` adds one access-log line per request. */
const LOG_LEVELS = ["warn", "info"] as const;

export default async function httpBench(): Promise<BenchReport> {
  const dataDir = await tempDataDir("opsdeck-bench-");
  const servers: Server[] = [];
  try {
    const baseline = await measureBareHono();

    const results = new Map<string, Measurement>();
    for (const level of LOG_LEVELS) {
      const opsdeck = await startOpsdeck(dataDir, level);
      servers.push(opsdeck);
      // The migrations list is for administrators; the set-up is a no-op on the second start.
      const headers = { Authorization: `Bearer ${await setUpAndLogIn(opsdeck.url)}` };
      for (const route of ROUTES) {
        results.set(
          `${level} ${route}`,
          await measureChecked(`GET ${route} (LOG_LEVEL=${level})`, opsdeck.url + route, headers),
        );
      }
      await servers.pop()!.stop();
    }

    const row = (label: string, route: string, level: string): Row => {
      const result = results.get(`${level} ${route}`)!;
      return {
        name: `GET ${route} LOG_LEVEL=${level}`,
        label,
        ...result,
        vsBaseline: result.requestsPerSecond / baseline.requestsPerSecond,
      };
    };
    return {
      title: "HTTP: requests/s and latency under load, vs a bare Hono hello-world",
      rows: [
        { name: "bare Hono GET /", label: "bare Hono GET /", ...baseline },
        ...ROUTES.flatMap((route) => [
          row(`GET ${route}`, route, "warn"),
          row("  same, info access log → /dev/null", route, "info"),
        ]),
      ],
    };
  } finally {
    for (const server of servers) await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
}

await runWhenMain(import.meta, httpBench);
