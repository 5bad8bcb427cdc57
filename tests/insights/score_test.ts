/**
 * The ops score on a hand-built week of history equals docs/insights.md's
 * formula worked by hand; a final period never changes afterwards; a client's
 * score is the formula over its projects' summed inputs.
 */
import { assertEquals } from "@std/assert";
import { createTestDatabase } from "../helpers/db.ts";
import { genClient, genTenant } from "../helpers/fixtures.ts";
import { genProject } from "../helpers/catalog.ts";
import { insertRawDeployment } from "../helpers/deployments.ts";
import { genChannel } from "../helpers/alerts.ts";
import { computeTenantScores } from "../../services/insights/scores.ts";
import { periodContaining } from "../../services/insights/periods.ts";

const db = await createTestDatabase();
const sql = db.sql;
const NOW = new Date("2026-03-20T12:00:00Z");
// the finished week Monday 2026-03-09 .. Monday 2026-03-16
const WEEK = periodContaining("week", new Date("2026-03-11T12:00:00Z"));
const at = (iso: string) => new Date(`2026-03-${iso}Z`);

const tenant = await genTenant(sql);
const client = await genClient(sql, tenant.id, "Acme");
const project = await genProject(sql, tenant.id, client.id);
await sql`DELETE FROM alert_rules WHERE tenant_id = ${tenant.id}`;

async function check(type: "http" | "heartbeat", extra: { flapping?: boolean; maxDuration?: number } = {}) {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO health_checks (tenant_id, project_id, name, type, url, ping_token_hash, flapping, max_duration_ms)
    VALUES (${tenant.id}, ${project.id}, ${`c-${crypto.randomUUID().slice(0, 6)}`}, ${type},
            ${type === "http" ? "https://shop.example.com/" : null},
            ${type === "heartbeat" ? crypto.getRandomValues(new Uint8Array(32)) : null},
            ${extra.flapping ?? false}, ${extra.maxDuration ?? null})
    RETURNING id`;
  return row.id;
}
const covered = await check("http");
const flapping = await check("http", { flapping: true });
await check("heartbeat", { maxDuration: 60_000 });

const [rule] = await sql<{ id: string }[]>`
  INSERT INTO alert_rules (tenant_id, project_id, check_id, name, kind)
  VALUES (${tenant.id}, ${project.id}, ${covered}, 'Shop down', 'check_down') RETURNING id`;
const channel = await genChannel(sql, tenant.id);
await sql`INSERT INTO notification_rules (tenant_id, check_id, channel_id, event_types)
  VALUES (${tenant.id}, ${covered}, ${channel.id}, ARRAY['alert.triggered'])`;

// 7 days x 1,440 results, 2 down a day: 99.8611 % up
for (let d = 9; d < 16; d++) {
  await sql`INSERT INTO check_results_daily (tenant_id, check_id, bucket, total, up, down, degraded, latency_count,
      latency_sum, latency_histogram)
    VALUES (${tenant.id}, ${covered}, ${new Date(Date.UTC(2026, 2, d))}, 1440, 1438, 2, 0, 0, 0,
            array_fill(0, ARRAY[33]))`;
}
async function alert(trigger: string, ackMin: number | null, resolveMin: number) {
  const t = at(trigger);
  await sql`INSERT INTO alerts (tenant_id, rule_id, project_id, check_id, subject_key, status, severity, summary,
      triggered_at, acknowledged_at, resolved_at)
    VALUES (${tenant.id}, ${rule.id}, ${project.id}, ${covered}, ${`check:${crypto.randomUUID()}`}, 'resolved',
            'critical', 'down', ${t}, ${ackMin === null ? null : new Date(t.getTime() + ackMin * 60_000)},
            ${new Date(t.getTime() + resolveMin * 60_000)})`;
}
await alert("10T10:00:00", 10, 70);
await alert("11T10:00:00", null, 3);
await alert("12T10:00:00", 20, 50);
for (const [i, status] of ["succeeded", "succeeded", "succeeded", "succeeded", "failed", "rolled_back"].entries()) {
  const createdAt = at(`1${i % 5}T08:00:00`);
  await insertRawDeployment(sql, {
    tenantId: tenant.id,
    projectId: project.id,
    environment: "production",
    status,
    createdAt,
    finishedAt: new Date(createdAt.getTime() + 60_000),
    committedAt: null,
  });
}
for (const day of ["10", "13"]) {
  await sql`INSERT INTO events (tenant_id, type, subject_type, subject_id, project_id, payload, created_at)
    VALUES (${tenant.id}, 'health_check.down', 'health_check', ${flapping}, ${project.id},
            ${sql.json({ held_back: "maintenance" })}, ${at(`${day}T09:00:00`)})`;
}

async function weekRow(scopeType: string, scopeId: string) {
  const [row] = await sql<
    {
      score: number;
      components: Record<string, { score: number }>;
      time_saved_hours: string;
      final: boolean;
      formula_version: number;
    }[]
  >`
    SELECT score, components, time_saved_hours, final, formula_version FROM efficiency_metrics
    WHERE tenant_id = ${tenant.id} AND scope_type = ${scopeType} AND scope_id = ${scopeId}
      AND period = 'week' AND period_start = '2026-03-09'`;
  return row;
}

Deno.test("a project's weekly score equals the documented formula worked by hand", async () => {
  await computeTenantScores(sql, tenant.id, [WEEK], NOW);
  const row = await weekRow("project", project.id);
  // docs/insights.md, component by component
  const uptime = 100 * (10 - ((100 - 100 * 10066 / 10080) / 0.1)) / 9; // 1.39 budgets spent
  const mtta = 100 * (60 - 15) / (60 - 5); // acknowledged after 10 and 20 min
  const mttr = 100 * (480 - 41) / (480 - 30); // resolved after 70, 3 and 50 min
  const cfr = 100 * (0.6 - 2 / 6) / (0.6 - 0.15); // failed + rolled back of 6 finished
  const frequency = 100 * Math.log2(1 + 5) / Math.log2(6); // 5 went out in one week
  const noise = 100 - 40 * (3 / 3 / 3) - 40 * (1 / 3) - 20 * (1 / 3); // 3 alerts, 3 checks, 1 short, 1 flapping
  const coverage = 100 * (0.8 * (1 / 3) + 0.2 * 1); // 1 of 3 checks covered, the heartbeat bounded
  const expected = Math.round(
    (30 * uptime + 10 * mtta + 15 * mttr + 15 * cfr + 10 * frequency + 10 * noise + 10 * coverage) / 100,
  );
  assertEquals(row.score, expected);
  assertEquals(row.score, 82);
  assertEquals(
    Object.fromEntries(Object.entries(row.components).map(([k, v]) => [k, v.score])),
    {
      uptime: Math.round(uptime),
      mtta: Math.round(mtta),
      mttr: Math.round(mttr),
      change_failure: Math.round(cfr),
      deploy_frequency: 100,
      alert_noise: Math.round(noise),
      coverage: Math.round(coverage),
    },
  );
  // 2 held-back events x 5 min + 1 alert resolved by itself x 10 min = 20 min
  assertEquals(Number(row.time_saved_hours), 0.33);
  assertEquals(row.final, true);
  assertEquals(row.formula_version, 1);
});

Deno.test("a final period's score never changes, while a client's score follows its projects' summed inputs", async () => {
  const before = await weekRow("project", project.id);
  await sql`UPDATE health_checks SET paused = true WHERE tenant_id = ${tenant.id}`;
  await computeTenantScores(sql, tenant.id, [WEEK], new Date("2026-03-27T12:00:00Z"));
  assertEquals(await weekRow("project", project.id), before);
  // the client has one project, so its score is the project's
  assertEquals((await weekRow("client", client.id)).score, before.score);
});

Deno.test("a signed SOW's SLA target replaces 99.9 % as the project's uptime target, and is stored with the score", async () => {
  const lenient = await genProject(sql, tenant.id, client.id);
  const [c] = await sql<{ id: string }[]>`
    INSERT INTO health_checks (tenant_id, project_id, name, type, url)
    VALUES (${tenant.id}, ${lenient.id}, 'lenient', 'http', 'https://lenient.example.com/') RETURNING id`;
  for (let d = 9; d < 16; d++) {
    await sql`INSERT INTO check_results_daily (tenant_id, check_id, bucket, total, up, down, degraded, latency_count,
        latency_sum, latency_histogram)
      VALUES (${tenant.id}, ${c.id}, ${new Date(
      Date.UTC(2026, 2, d),
    )}, 1440, 1438, 2, 0, 0, 0, array_fill(0, ARRAY[33]))`;
  }
  const [sow] = await sql<{ id: string }[]>`
    INSERT INTO sows (tenant_id, project_id, title, status) VALUES (${tenant.id}, ${lenient.id}, 'Support', 'active')
    RETURNING id`;
  await sql`INSERT INTO sla_targets (tenant_id, project_id, sow_id, uptime_percent)
    VALUES (${tenant.id}, ${lenient.id}, ${sow.id}, 99.5)`;
  await computeTenantScores(sql, tenant.id, [WEEK], new Date("2026-03-16T00:00:00Z"));
  // 99.861 % up spends 0.28 of a 0.5 % budget: full marks (against 99.9 % it was 1.39 budgets, 85)
  assertEquals((await weekRow("project", lenient.id)).components.uptime.score, 100);
  const [{ inputs }] = await sql<{ inputs: Record<string, number> }[]>`
    SELECT inputs FROM efficiency_metrics WHERE tenant_id = ${tenant.id} AND scope_type = 'project'
      AND scope_id = ${lenient.id} AND period = 'week' AND period_start = '2026-03-09'`;
  assertEquals(inputs.uptime_target, 99.5);
});
