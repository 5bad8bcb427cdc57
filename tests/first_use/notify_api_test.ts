/**
 * A check's Notify through the API (notify_channel_ids): per-check
 * notification rules, each audited; bad channels refused with nothing stored;
 * and migration 00036's one-time default rules for organisations without any.
 */
import { assertEquals } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { call } from "../helpers/change_requests.ts";
import { createCheck, httpCheck } from "../helpers/checks.ts";
import { genPersonas, genTenant } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";
import { genChannel } from "../helpers/alerts.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const hook = await genChannel(sql, p.tenant.id, "On-call hook");
const mail = await genChannel(sql, p.tenant.id, "Team mail");

const rulesOf = async (checkId: string) => [
  ...await sql<{ channel_id: string; event_types: string[] }[]>`
    SELECT channel_id, event_types FROM notification_rules WHERE check_id = ${checkId} ORDER BY channel_id`,
];

Deno.test("POST and PATCH /api/v1/health-checks with notify_channel_ids keep per-check rules, each audited", async () => {
  const check = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { notify_channel_ids: [hook.id] }));
  assertEquals(await rulesOf(check.id), [{ channel_id: hook.id, event_types: ["alert.triggered", "alert.resolved"] }]);
  const patched = await call(app, "PATCH", `/api/v1/health-checks/${check.id}`, p.alice.bearer, {
    notify_channel_ids: [mail.id],
  });
  assertEquals(patched.status, 200);
  assertEquals((await rulesOf(check.id)).map((r) => r.channel_id), [mail.id]);
  const audits = await sql`SELECT action FROM audits WHERE resource_type = 'notification_rule'
    AND details->>'via' = 'check notify' ORDER BY seq`;
  assertEquals(audits.map((a) => a.action), [
    "notification_rule.create",
    "notification_rule.delete",
    "notification_rule.create",
  ]);
  await call(app, "PATCH", `/api/v1/health-checks/${check.id}`, p.alice.bearer, { notify_channel_ids: [] });
  assertEquals(await rulesOf(check.id), []);
});

Deno.test("a channel of another organisation is a 422 naming notify_channel_ids; no check is stored", async () => {
  const theirs = await genChannel(sql, p.other.id, "Their hook");
  const [{ n: before }] = await sql`SELECT count(*)::int AS n FROM health_checks`;
  const res = await call(app, "POST", "/api/v1/health-checks", p.alice.bearer, {
    ...httpCheck(shop.id, { name: "Refused" }),
    notify_channel_ids: [theirs.id],
  });
  const body = await problem(res, 422);
  assertEquals(body.errors[0].path, "notify_channel_ids");
  const [{ n: after }] = await sql`SELECT count(*)::int AS n FROM health_checks`;
  assertEquals(after, before);
});

Deno.test("migration 00036 gives default rules once, only to organisations without any rule", async () => {
  const bare = await genTenant(sql, { name: "Bare agency" });
  await sql`INSERT INTO alert_rules (tenant_id, name, kind) VALUES (${p.other.id}, 'Own rule', 'deployment_failed')`;
  const migration = await Deno.readTextFile(
    new URL("../../db/migrations/00036_alerting_out_of_the_box.sql", import.meta.url),
  );
  const insert = migration.slice(migration.indexOf("INSERT INTO alert_rules"));
  await sql.unsafe(insert);
  await sql.unsafe(insert);
  const kinds = async (tenantId: string) =>
    (await sql`SELECT kind FROM alert_rules WHERE tenant_id = ${tenantId} ORDER BY kind`).map((r) => r.kind);
  assertEquals(await kinds(bare.id), ["check_down", "heartbeat_missed"]);
  assertEquals(await kinds(p.other.id), ["deployment_failed"], "an organisation with its own rule is left alone");
});
