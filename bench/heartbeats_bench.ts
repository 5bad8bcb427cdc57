/**
 * Heartbeat pings under load: wrk on one check's ping URL (GET, and POST with
 * a small body), against the real `main.ts serve` on its own PostgreSQL, with
 * bare Hono and GET /readyz (one query) measured in the same run as
 * baselines. One check is the hardest case: every ping locks the same row, so
 * only batching lets them share a commit. Target: ≥ 10,000 pings/s. GET is
 * measured again with 128 connections instead of 32: how far larger batches go.
 */
import { postJson, setUpAndLogIn } from "./lib/api.ts";
import { runWhenMain } from "./lib/main.ts";
import { type Server, startOpsdeck, tempDataDir } from "./lib/servers.ts";
import { type BenchReport, type Row, versus } from "./lib/table.ts";
import { measureBareHono, measureChecked, SETTINGS } from "./lib/wrk.ts";

const TARGET = 10_000;

export default async function heartbeatsBench(): Promise<BenchReport> {
  const dataDir = await tempDataDir("opsdeck-bench-heartbeats-");
  let opsdeck: Server | undefined;
  try {
    const baseline = await measureBareHono();
    opsdeck = await startOpsdeck(dataDir, "warn");
    const token = await setUpAndLogIn(opsdeck.url);
    const client = await postJson(opsdeck.url, "/api/v1/clients", token, { name: "Bench client" });
    const project = await postJson(opsdeck.url, "/api/v1/projects", token, {
      client_id: client.id,
      name: "Cron jobs",
      slug: "cron-jobs",
      environments: [{ name: "production" }],
    });
    const check = await postJson(opsdeck.url, "/api/v1/health-checks", token, {
      project_id: project.id,
      name: "Nightly backup",
      type: "heartbeat",
      interval_seconds: 3600,
    });
    const ping = `${opsdeck.url}${new URL(check.ping_url).pathname}`;
    const readyz = await measureChecked("GET /readyz", `${opsdeck.url}/readyz`);
    const get = await measureChecked("GET ping", ping);
    const post = await measureChecked("POST ping", ping, { "Content-Type": "text/plain" }, {
      method: "POST",
      body: "backup ok: 1,204 files, 3.1 GB",
    });
    // Each of wrk's connections has one ping in flight, so 32 connections cap a batch at 32 pings: with more,
    // batches grow and the same commits carry more pings.
    const wide = await measureChecked("GET ping, 128 connections", ping, {}, undefined, {
      ...SETTINGS,
      connections: 128,
    });
    const rows: Row[] = [
      { name: "heartbeats readyz", label: "GET /readyz (1 query)", ...readyz },
      { name: "heartbeats ping get", label: "GET /api/v1/heartbeats/{token}", ...get },
      { name: "heartbeats ping post", label: "POST /api/v1/heartbeats/{token}", ...post },
      { name: "heartbeats ping get c128", label: "GET /api/v1/heartbeats/{token}, wrk -c128", ...wide },
    ];
    const best = Math.max(get.requestsPerSecond, post.requestsPerSecond, wide.requestsPerSecond);
    return {
      title: [
        "Heartbeats: pings/s on one check's ping URL under wrk, each answered after its batch commits",
        `  ${best.toFixed(0)} pings/s at best — ${best >= TARGET ? "within" : "BELOW"} the target of ` +
        `${TARGET.toLocaleString("en")}/s; vs GET /readyz ${
          (get.requestsPerSecond / readyz.requestsPerSecond).toFixed(2)
        }× (GET), ` +
        `${(post.requestsPerSecond / readyz.requestsPerSecond).toFixed(2)}× (POST)`,
      ].join("\n"),
      rows: [
        { name: "bare Hono GET /", label: "bare Hono GET /", ...baseline },
        ...versus(rows, baseline, "bare Hono"),
      ],
    };
  } finally {
    await opsdeck?.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
}

await runWhenMain(import.meta, heartbeatsBench);
