/**
 * Quick wins over real rows: every rule of the registry finds its case; a
 * client user sees their client's wins only; a dismissal needs a reason, is
 * audited, survives re-evaluation while the condition holds, and is forgotten
 * once the condition clears, so the win returns with the condition.
 */
import { assert, assertEquals } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { genProject } from "../helpers/catalog.ts";
import { genChannel, genCheck } from "../helpers/alerts.ts";
import { evaluateQuickWins } from "../../services/insights/quick_wins/quick_wins.ts";
import { QUICK_WIN_RULES } from "../../services/insights/quick_wins/registry.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const t = p.tenant.id;
const NOW = new Date("2026-05-13T12:00:00Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

const acme = await genProject(sql, t, p.clients.acme.id, { name: "Acme shop" });
const globex = await genProject(sql, t, p.clients.globex.id, { name: "Globex portal" });
await sql`DELETE FROM alert_rules WHERE tenant_id = ${t}`;
const paused = await genCheck(sql, t, acme.id, "Old landing page");
/** Pauses the check as of `days` before NOW (the updated_at trigger would stamp the database's clock). */
async function pausedSince(days: number) {
  await sql.begin(async (tx) => {
    await tx`ALTER TABLE health_checks DISABLE TRIGGER health_checks_set_updated_at`;
    await tx`UPDATE health_checks SET paused = true, updated_at = ${daysAgo(days)} WHERE id = ${paused.id}`;
    await tx`ALTER TABLE health_checks ENABLE TRIGGER health_checks_set_updated_at`;
  });
}
await pausedSince(40);
const flapping = await genCheck(sql, t, globex.id, "Portal login");
await sql`UPDATE health_checks SET cert_expires_at = ${daysAgo(-10)} WHERE id = ${flapping.id}`;
for (let i = 0; i < 4; i++) {
  await sql`INSERT INTO events (tenant_id, type, subject_type, subject_id, project_id, created_at)
    VALUES (${t}, 'health_check.down', 'health_check', ${flapping.id}, ${globex.id}, ${daysAgo(i + 1)})`;
}
await sql`INSERT INTO health_checks (tenant_id, project_id, name, type, ping_token_hash)
  VALUES (${t}, ${acme.id}, 'Nightly backup', 'heartbeat', ${crypto.getRandomValues(new Uint8Array(32))})`;
const channel = await genChannel(sql, t);
await sql`UPDATE notification_channels SET broken = true WHERE id = ${channel.id}`;
const [blip] = await sql<{ id: string }[]>`
  INSERT INTO alert_rules (tenant_id, project_id, name, kind, enabled)
  VALUES (${t}, ${globex.id}, 'Portal blips', 'deployment_failed', true) RETURNING id`;
for (let i = 0; i < 3; i++) {
  const at = daysAgo(i + 2);
  await sql`INSERT INTO alerts (tenant_id, rule_id, project_id, subject_key, status, severity, summary, triggered_at,
      resolved_at)
    VALUES (${t}, ${blip.id}, ${globex.id}, ${`k${i}`}, 'resolved', 'warning', 'blip', ${at},
            ${new Date(at.getTime() + 120_000)})`;
}
await sql`INSERT INTO api_keys (tenant_id, user_id, name, prefix, token_hash, created_at)
  VALUES (${t}, ${p.bob.user.id}, 'Old CI key', 'odk_old1', ${crypto.getRandomValues(new Uint8Array(32))},
          ${daysAgo(120)})`;
// a signed SOW with an SLA target, and an active one without: only the second is a quick win
const [covered, bare] = await sql<{ id: string }[]>`
  INSERT INTO sows (tenant_id, project_id, title, status)
  VALUES (${t}, ${acme.id}, 'Care plan', 'signed'), (${t}, ${acme.id}, 'Hosting', 'active') RETURNING id`;
await sql`INSERT INTO sla_targets (tenant_id, project_id, sow_id, uptime_percent)
  VALUES (${t}, ${acme.id}, ${covered.id}, 99.9)`;
await sql`UPDATE users SET last_login_at = ${daysAgo(100)}, created_at = ${daysAgo(200)} WHERE id = ${p.alice.user.id}`;

const json = (headers: Record<string, string>, body: unknown) => ({
  method: "POST",
  headers: { ...headers, "Content-Type": "application/json" },
  body: JSON.stringify(body),
});
const wins = async (who: Record<string, string>, query = "") =>
  (await (await app.request(`/api/v1/insights/quick-wins?limit=500${query}`, { headers: who })).json()).items as {
    id: string;
    rule: string;
    subject_id: string;
    project_id: string | null;
    status: string;
  }[];
const pausedWin = async () =>
  (await wins(p.bob.bearer, "&status=all")).find((w) => w.rule === "paused_check_forgotten")!;

Deno.test("every rule in the registry finds its case", async () => {
  await evaluateQuickWins(sql, t, NOW);
  const found = new Set((await wins(p.alice.bearer)).map((w) => w.rule));
  assertEquals([...found].sort(), QUICK_WIN_RULES.map((r) => r.id).sort());
  const sowWins = (await wins(p.alice.bearer)).filter((w) => w.rule === "sow_without_sla_targets");
  assertEquals(sowWins.map((w) => w.subject_id), [bare.id]);
});

Deno.test("a client user sees their client's quick wins only", async () => {
  const carol = await wins(p.carol.bearer);
  assert(carol.length > 0);
  assert(carol.every((w) => w.project_id === acme.id), JSON.stringify(carol));
  const other = (await wins(p.bob.bearer)).find((w) => w.project_id === globex.id)!;
  assertEquals((await app.request(`/api/v1/insights/quick-wins/${other.id}`, { headers: p.carol.bearer })).status, 404);
  const own = carol[0];
  const res = await app.request(
    `/api/v1/insights/quick-wins/${own.id}/decision`,
    json(p.carol.bearer, { status: "completed" }),
  );
  assertEquals(res.status, 403);
});

Deno.test("a dismissal needs a reason, stays while the condition holds, and ends when it clears and returns", async () => {
  const win = await pausedWin();
  const bad = await app.request(
    `/api/v1/insights/quick-wins/${win.id}/decision`,
    json(p.bob.bearer, { status: "dismissed" }),
  );
  assertEquals(bad.status, 422);
  assertEquals(bad.headers.get("Content-Type"), "application/problem+json");
  assert((await bad.text()).includes("reason"));
  assertEquals((await pausedWin()).status, "open");

  const ok = await app.request(
    `/api/v1/insights/quick-wins/${win.id}/decision`,
    json(p.bob.bearer, { status: "dismissed", reason: "Kept for the spring campaign" }),
  );
  assertEquals(ok.status, 200);
  const [audit] = await sql`SELECT action FROM audits WHERE tenant_id = ${t} AND resource_id = ${win.id}`;
  assertEquals(audit.action, "quick_win.dismiss");

  await evaluateQuickWins(sql, t, new Date(NOW.getTime() + 60_000));
  assertEquals((await pausedWin()).status, "dismissed");

  await sql`UPDATE health_checks SET paused = false WHERE id = ${paused.id}`;
  await evaluateQuickWins(sql, t, new Date(NOW.getTime() + 120_000));
  assertEquals((await pausedWin()).status, "cleared");

  await pausedSince(35);
  await evaluateQuickWins(sql, t, new Date(NOW.getTime() + 180_000));
  const back = await pausedWin();
  assertEquals([back.id, back.status], [win.id, "open"]);
});

Deno.test("the feed shows the dismissal as a sentence; client users get their projects' events only", async () => {
  const feed = async (who: Record<string, string>, q = "") =>
    (await (await app.request(`/api/v1/insights/feed?limit=200${q}`, { headers: who })).json()).items as {
      source: string;
      description: string;
      project_id: string | null;
    }[];
  const staff = await feed(p.bob.bearer, "&source=audit&type=quick_win.");
  assert(staff.some((e) => e.description === `${p.bob.user.email} — dismiss quick win`), JSON.stringify(staff));
  const carol = await feed(p.carol.bearer);
  assert(carol.every((e) => e.source === "event" && e.project_id === acme.id), JSON.stringify(carol));
  assertEquals(
    (await app.request("/insights/feed", { headers: { ...p.bob.cookie, Accept: "text/html" } })).status,
    200,
  );
  assertEquals((await app.request("/insights/activity", { headers: p.alice.cookie })).status, 200);
  assertEquals((await app.request("/api/v1/insights/activity", { headers: p.bob.bearer })).status, 403);
});
