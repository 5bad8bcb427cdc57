import { assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { GOOD_PASSWORD } from "../helpers/fixtures.ts";
import { bootstrapAdmin } from "../../services/auth/setup.ts";

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
  body: new URLSearchParams(fields).toString(),
});

Deno.test("first run: every page leads to set-up, which creates the tenant and its super-admin", async () => {
  const { app, db } = await createTestApp();
  const home = await app.request("/", { headers: { Accept: "text/html" } });
  assertEquals(home.status, 303);
  assertEquals(home.headers.get("Location"), "/setup");

  const weak = await app.request(
    "/setup",
    form({ organization: "Acme", name: "Ada", email: "ada@example.com", password: "password1" }),
  );
  assertEquals(weak.status, 422);
  assertStringIncludes(await weak.text(), "too easy to guess");
  assertEquals((await db.sql`SELECT count(*)::int AS n FROM tenants`)[0].n, 0);

  const ok = await app.request(
    "/setup",
    form({ organization: "Acme Agency", name: "Ada", email: "ada@example.com", password: GOOD_PASSWORD }),
  );
  assertEquals(ok.status, 303);
  assertStringIncludes(ok.headers.get("Set-Cookie")!, "opsdeck_session=");
  const [user] = await db.sql`SELECT u.super_admin, r.name AS role, t.slug FROM users u JOIN roles r ON r.id = u.role_id
    JOIN tenants t ON t.id = u.tenant_id`;
  assertEquals(user, { super_admin: true, role: "admin", slug: "acme-agency" });
  const actions = await db.sql`SELECT action FROM audits ORDER BY seq`;
  assertEquals(actions.map((a) => a.action), [
    "tenant.create",
    "user.create",
    "alert_rule.create",
    "alert_rule.create",
    "session.login",
  ]);

  const again = await app.request(
    "/setup",
    form({ organization: "Evil", name: "E", email: "e@example.com", password: GOOD_PASSWORD }),
  );
  assertEquals(again.status, 303);
  assertEquals(again.headers.get("Location"), "/login");
  assertEquals((await db.sql`SELECT count(*)::int AS n FROM tenants`)[0].n, 1);
});

Deno.test("OPSDECK_ADMIN_EMAIL/PASSWORD bootstrap the first admin once", async () => {
  const { db } = await createTestApp();
  const ctx = { actor: null, ip: null, userAgent: null, now: new Date() };
  const first = await bootstrapAdmin(db.sql, { email: "ops@example.com", password: GOOD_PASSWORD }, ctx);
  assertEquals(first?.email, "ops@example.com");
  assertEquals(await bootstrapAdmin(db.sql, { email: "other@example.com", password: GOOD_PASSWORD }, ctx), null);
});
