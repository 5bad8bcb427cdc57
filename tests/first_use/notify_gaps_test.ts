/**
 * Warnings where nothing will notify anyone: the same organisation walked
 * from no channel to a working route and to a broken channel, each state
 * read on the check page, the board and the overview; a client user sees no
 * wiring and no warning.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genChannel } from "../helpers/alerts.ts";
import { genProject, getPage } from "../helpers/catalog.ts";
import { call } from "../helpers/change_requests.ts";
import { createCheck, httpCheck } from "../helpers/checks.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const check = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Shop home" }));
const paused = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Old shop", paused: true }));

const gapOn = async (path: string, cookie = p.alice.cookie) => {
  const body = await (await getPage(app, path, cookie)).text();
  return [...body.matchAll(/data-gap="(\w+)"/g)].map((m) => m[1]);
};

Deno.test("each way of reaching nobody is named on the check page, the board and the overview, then cleared", async () => {
  assertEquals(await gapOn(`/checks/${check.id}`), ["no_channel"]);
  const page = await (await getPage(app, `/checks/${check.id}`, p.alice.cookie)).text();
  assertStringIncludes(page, "Nobody will be told when this check goes down:</strong> the organisation has no");
  assertEquals(await gapOn("/checks"), ["no_channel"], "the paused check warns of nothing");
  assertEquals(await gapOn("/ui/now"), ["no_channel"]);
  const overview = await (await getPage(app, "/", p.alice.cookie)).text();
  assertStringIncludes(overview, "1 check notifies nobody");
  assert(!overview.includes(paused.id));

  const hook = await genChannel(sql, p.tenant.id, "On-call hook");
  assertEquals(await gapOn(`/checks/${check.id}`), ["no_alert_rule"]);

  await sql`INSERT INTO alert_rules (tenant_id, name, kind) VALUES (${p.tenant.id}, 'Down', 'check_down')`;
  assertEquals(await gapOn(`/checks/${check.id}`), ["no_route"]);
  assertStringIncludes(
    await (await getPage(app, `/checks/${check.id}`, p.alice.cookie)).text(),
    `href="/checks/${check.id}/edit#notify"`,
  );

  const res = await call(app, "PATCH", `/api/v1/health-checks/${check.id}`, p.alice.bearer, {
    notify_channel_ids: [hook.id],
  });
  assertEquals(res.status, 200);
  assertEquals(await gapOn(`/checks/${check.id}`), []);
  assertEquals(await gapOn("/checks"), []);
  assertEquals(await gapOn("/ui/now"), []);

  await sql`UPDATE notification_channels SET broken = true WHERE id = ${hook.id}`;
  assertEquals(await gapOn(`/checks/${check.id}`), ["channels_broken"]);
  assertEquals(await gapOn("/checks"), ["channels_broken"]);
  await sql`UPDATE notification_channels SET broken = false WHERE id = ${hook.id}`;
});

Deno.test("a project-wide rule for the raw down event covers a check without any alert rule", async () => {
  const own = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Shop API" }));
  await sql`UPDATE alert_rules SET enabled = false WHERE tenant_id = ${p.tenant.id}`;
  assertEquals(await gapOn(`/checks/${own.id}`), ["no_alert_rule"]);
  const mail = await genChannel(sql, p.tenant.id, "Team mail");
  await sql`INSERT INTO notification_rules (tenant_id, project_id, channel_id, event_types)
    VALUES (${p.tenant.id}, ${shop.id}, ${mail.id}, ${["health_check.down"]})`;
  assertEquals(await gapOn(`/checks/${own.id}`), []);
  await sql`UPDATE alert_rules SET enabled = true WHERE tenant_id = ${p.tenant.id}`;
});

Deno.test("a client user sees no wiring warnings", async () => {
  const lonely = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Shop search" }));
  await sql`UPDATE alert_rules SET enabled = false WHERE tenant_id = ${p.tenant.id}`;
  await sql`DELETE FROM notification_rules WHERE tenant_id = ${p.tenant.id}`;
  assertEquals((await gapOn(`/checks/${lonely.id}`)).length, 1);
  assertEquals(await gapOn(`/checks/${lonely.id}`, p.carol.cookie), []);
  assertEquals(await gapOn("/checks", p.carol.cookie), []);
  assertEquals(await gapOn("/", p.carol.cookie), []);
});

Deno.test("the API names each check's gap as notify_gap in the list and on the check; a client user gets null", async () => {
  const lonely = await createCheck(app, p.alice.bearer, httpCheck(shop.id, { name: "Shop cart" }));
  await sql`UPDATE alert_rules SET enabled = false WHERE tenant_id = ${p.tenant.id}`;
  await sql`DELETE FROM notification_rules WHERE tenant_id = ${p.tenant.id}`;
  const gapsIn = async (headers: Record<string, string>) => {
    const res = await call(app, "GET", `/api/v1/health-checks?project_id=${shop.id}&limit=100`, headers);
    assertEquals(res.status, 200);
    const body = await res.json() as { data: { id: string; notify_gap: string | null }[] };
    return new Map(body.data.map((c) => [c.id, c.notify_gap]));
  };
  const listed = await gapsIn(p.alice.bearer);
  assertEquals(listed.get(lonely.id), "no_alert_rule");
  assertEquals(listed.get(paused.id), null, "a paused check has no gap");
  const one = await (await call(app, "GET", `/api/v1/health-checks/${lonely.id}`, p.alice.bearer)).json();
  assertEquals(one.notify_gap, "no_alert_rule");

  await sql`UPDATE alert_rules SET enabled = true WHERE tenant_id = ${p.tenant.id}`;
  await sql`UPDATE notification_channels SET broken = true WHERE tenant_id = ${p.tenant.id}`;
  const wired = await call(app, "PATCH", `/api/v1/health-checks/${lonely.id}`, p.alice.bearer, {
    notify_channel_ids: [
      (await sql`SELECT id FROM notification_channels WHERE tenant_id = ${p.tenant.id} LIMIT 1`)[0].id,
    ],
  });
  assertEquals((await wired.json()).notify_gap, "channels_broken");
  await sql`UPDATE notification_channels SET broken = false WHERE tenant_id = ${p.tenant.id}`;
  assertEquals((await gapsIn(p.alice.bearer)).get(lonely.id), null);

  await sql`UPDATE alert_rules SET enabled = false WHERE tenant_id = ${p.tenant.id}`;
  await sql`DELETE FROM notification_rules WHERE tenant_id = ${p.tenant.id}`;
  const forClient = await gapsIn(p.carol.bearer);
  assertEquals(forClient.get(lonely.id), null, "a client user is not shown the wiring");
  const openapi = await (await app.request("/openapi.json")).json();
  assertEquals(openapi.components.schemas.HealthCheck.properties.notify_gap.enum, [
    "no_channel",
    "channels_broken",
    "no_alert_rule",
    "no_route",
    null,
  ]);
  await sql`UPDATE alert_rules SET enabled = true WHERE tenant_id = ${p.tenant.id}`;
});
