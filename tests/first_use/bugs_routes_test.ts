/**
 * The first-use bugs of issue 12 that a route shows: delivery metrics that
 * agree with themselves, an unknown explorer series said so, an API sign-in
 * audited with its actor, and identical alert rules refused.
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { call, created, page, postForm } from "../helpers/change_requests.ts";
import { insertRawDeployment } from "../helpers/deployments.ts";
import { genPersonas, GOOD_PASSWORD } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });

Deno.test("4. delivery metrics of one success, one failure and one rollback agree with themselves", async () => {
  // Two hours back: inside the 7-day window whatever the time of day.
  const at = new Date(Date.now() - 2 * 3_600_000);
  for (const status of ["succeeded", "failed", "rolled_back"]) {
    await insertRawDeployment(sql, {
      tenantId: p.tenant.id,
      projectId: shop.id,
      environment: "production",
      status,
      createdAt: at,
      finishedAt: at,
      committedAt: null,
    });
  }
  const res = await page(app, `/delivery-metrics?project_id=${shop.id}&days=7`, p.bob.cookie);
  assertEquals(res.status, 200);
  const html = await res.text();
  assertStringIncludes(html, "3 finished deployments, 2 went out");
  assertStringIncludes(html, "2 of 3 failed or rolled back");
  assertStringIncludes(html, "3 finished deployments and 2 failed or rolled back over 7 days");
  assertEquals(html.includes("once alerts exist"), false, "the footnote is current");
});

Deno.test("5. /explore?series=unknown says the series is unknown instead of showing another", async () => {
  await sql`INSERT INTO metric_snapshots (tenant_id, project_id, type, value, recorded_at)
    VALUES (${p.tenant.id}, ${shop.id}, 'queue.depth', 3, now())`;
  const res = await page(app, `/explore?project_id=${shop.id}&series=unknown`, p.bob.cookie);
  assertEquals(res.status, 404);
  const html = await res.text();
  assertStringIncludes(html, "No series “unknown” in Acme shop");
  assertEquals(html.includes('<svg class="chart'), false, "no chart of another series");
});

Deno.test("6. POST /api/v1/sessions audits the sign-in with its actor", async () => {
  const res = await app.request(
    "/api/v1/sessions",
    jsonRequest("POST", { email: p.bob.user.email, password: GOOD_PASSWORD }),
  );
  assertEquals(res.status, 201);
  const [audit] = await sql`SELECT actor_user_id, actor_label FROM audits
    WHERE action = 'session.login' AND tenant_id = ${p.tenant.id} ORDER BY seq DESC LIMIT 1`;
  assertEquals(audit.actor_user_id, p.bob.user.id);
  assertEquals(audit.actor_label, p.bob.user.email);
});

Deno.test("7. an alert rule identical to another is refused (API 409 naming it, form message), nothing stored", async () => {
  const body = { name: "Shop down", kind: "check_down", project_id: shop.id };
  const first = await created(app, "/api/v1/alert-rules", p.alice.bearer, body);
  const again = await problem(
    await call(app, "POST", "/api/v1/alert-rules", p.alice.bearer, { ...body, name: "X" }),
    409,
  );
  assertStringIncludes(again.detail, "“Shop down”");
  const form = await postForm(
    app,
    "/alert-rules",
    { name: "Copy", kind: "check_down", project_id: shop.id, enabled: "true" },
    p.alice.cookie,
  );
  assertEquals(form.status, 409);
  assertStringIncludes(await form.text(), "same as “Shop down”");
  const [{ n }] = await sql`SELECT count(*)::int AS n FROM alert_rules WHERE tenant_id = ${p.tenant.id}`;
  assertEquals(n, 1);
  // Editing a rule into another's twin is refused too; a different severity alone still duplicates.
  const other = await created(app, "/api/v1/alert-rules", p.alice.bearer, { name: "Any down", kind: "check_down" });
  await problem(
    await call(app, "PATCH", `/api/v1/alert-rules/${other.id}`, p.alice.bearer, { project_id: shop.id }),
    409,
  );
  assertEquals(
    (await call(app, "PATCH", `/api/v1/alert-rules/${first.id}`, p.alice.bearer, { severity: "critical" })).status,
    200,
  );
  // A disabled twin opens nothing, so it may exist; enabling it is refused.
  const spare = await created(app, "/api/v1/alert-rules", p.alice.bearer, { ...body, name: "Spare", enabled: false });
  await problem(
    await call(app, "PATCH", `/api/v1/alert-rules/${spare.id}`, p.alice.bearer, { enabled: true }),
    409,
  );
});
