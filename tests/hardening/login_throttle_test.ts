/**
 * Sign-in throttles keyed by (account, client IP) and client IP, kept in
 * PostgreSQL: strangers failing for the admin's e-mail from elsewhere do not
 * lock the admin out of their own address (before: 30 failures behind one
 * proxy answered the admin 429 for ~15 minutes), and a second process on the
 * same database sees the same counts.
 */
import { assertEquals } from "@std/assert";
import { serveTestApp } from "../helpers/app.ts";
import { genUser, GOOD_PASSWORD } from "../helpers/fixtures.ts";
import { createApp } from "../../routes/app.ts";
import { createLoginThrottles } from "../../services/auth/throttle.ts";

const served = await serveTestApp();
served.deps.config = { ...served.deps.config, trustedProxies: ["127.0.0.1/32"] };
const sql = served.db.sql;
const [tenant] = await sql`INSERT INTO tenants (name, slug) VALUES ('Throttle', 'throttle') RETURNING id`;
const admin = await genUser(sql, tenant.id, { role: "admin", email: "owner@example.com" });

async function signIn(from: string, password: string, app?: { request: typeof fetch }) {
  const init = {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Forwarded-For": from },
    body: JSON.stringify({ email: admin.email, password }),
  };
  const res = app ? await app.request("/api/v1/sessions", init) : await fetch(`${served.url}/api/v1/sessions`, init);
  await res.body?.cancel();
  return res;
}

Deno.test("30 failed sign-ins for the admin's e-mail from another IP do not stop the admin signing in from theirs", async () => {
  const statuses = [];
  for (let i = 0; i < 30; i++) statuses.push((await signIn("198.51.100.66", `guess-${i}`)).status);
  assertEquals(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
  assertEquals(new Set(statuses.slice(5)), new Set([429]));
  const blocked = await signIn("198.51.100.66", GOOD_PASSWORD);
  assertEquals(blocked.status, 429);
  assertEquals(Number(blocked.headers.get("Retry-After")) > 0, true);
  assertEquals((await signIn("203.0.113.5", GOOD_PASSWORD)).status, 201);
});

Deno.test("the counts are rows in PostgreSQL: bounded per key and shared with another process", async () => {
  const [row] = await sql`SELECT cardinality(failures) AS n FROM login_throttles
    WHERE key = ${`account_ip:${admin.email} 198.51.100.66`}`;
  assertEquals(row.n, 5);
  const replica = createApp({ ...served.deps, throttles: createLoginThrottles() });
  const res = await replica.request("/api/v1/sessions", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: admin.email, password: "wrong" }),
  });
  assertEquals(res.status, 401);
  for (let i = 0; i < 4; i++) await served.deps.throttles.fail(sql, { email: admin.email, ip: null }, new Date());
  const shared = await replica.request("/api/v1/sessions", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: admin.email, password: GOOD_PASSWORD }),
  });
  assertEquals(shared.status, 429);
});

Deno.test("rows idle for a whole window are purged by the next failure", async () => {
  const throttles = served.deps.throttles;
  const long = new Date(Date.UTC(2020, 0, 1));
  await throttles.fail(sql, { email: "old@example.com", ip: "192.0.2.1" }, long);
  assertEquals((await sql`SELECT 1 FROM login_throttles WHERE key LIKE '%192.0.2.1'`).length, 2);
  await throttles.fail(sql, { email: "new@example.com", ip: "192.0.2.2" }, new Date());
  assertEquals((await sql`SELECT 1 FROM login_throttles WHERE key LIKE '%192.0.2.1'`).length, 0);
});

Deno.test("stop the server", async () => {
  await served.stop();
});
