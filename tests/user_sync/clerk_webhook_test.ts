/**
 * Clerk user sync through POST /hooks/clerk/{slug}, signed with npm `svix`
 * exactly as Clerk (Svix) signs: a created user, a role from public metadata,
 * banned → suspended with the session and API key ended at once, locked →
 * inactive, deleted → suspended; forged or stale → 401 with nothing changed.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { Webhook } from "svix";
import { createKey } from "../helpers/api_keys.ts";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, signIn, TEST_SECRET } from "../helpers/fixtures.ts";
import { rotateSecrets } from "../../services/platform/secrets/rotate.ts";
import { handleClerkWebhook } from "../../services/user_sync/clerk.ts";
import { jsonRequest, problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const SECRET = "whsec_" + btoa("clerk-test-signing-secret-0123456789");
const FORGED = "whsec_" + btoa("someone-else-entirely-9876543210xx");

const setUp = await app.request(
  "/api/v1/user-sync/clerk",
  jsonRequest("PUT", { signing_secret: SECRET }, p.alice.bearer),
);
assertEquals(setUp.status, 200);
const hookUrl = (await setUp.json()).clerk_webhook_url as string;

function clerkUser(id: string, email: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    first_name: "Grace",
    last_name: "Hopper",
    primary_email_address_id: "idn_1",
    email_addresses: [{ id: "idn_1", email_address: email }],
    public_metadata: {},
    banned: false,
    locked: false,
    ...extra,
  };
}

async function send(type: string, data: unknown, o: { secret?: string; at?: Date } = {}) {
  const body = JSON.stringify({ type, object: "event", data });
  const msgId = `msg_${crypto.randomUUID()}`;
  const at = o.at ?? new Date();
  const signature = new Webhook(o.secret ?? SECRET).sign(msgId, at, body);
  return await app.request(new URL(hookUrl).pathname, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "svix-id": msgId,
      "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
      "svix-signature": signature,
    },
    body,
  });
}

const userByEmail = async (email: string) =>
  (await sql`
    SELECT u.id, u.status, u.name, r.name AS role FROM users u JOIN roles r ON r.id = u.role_id
    WHERE lower(u.email) = lower(${email})`)[0];

Deno.test("user.created makes the user with the role from public metadata, linked by the Clerk id", async () => {
  const email = `grace-${crypto.randomUUID().slice(0, 6)}@example.com`;
  const res = await send("user.created", clerkUser("user_grace1", email, { public_metadata: { role: "admin" } }));
  assertEquals(res.status, 200);
  assertEquals((await res.json()).action, "created");
  const u = await userByEmail(email);
  assertEquals([u.status, u.name, u.role], ["active", "Grace Hopper", "admin"]);
  const [identity] = await sql`SELECT provider, subject FROM external_identities WHERE user_id = ${u.id}`;
  assertEquals([identity.provider, identity.subject], ["clerk", "user_grace1"]);

  // A changed e-mail in Clerk still finds the same user through the identity.
  const newEmail = `hopper-${crypto.randomUUID().slice(0, 6)}@example.com`;
  const updated = await send("user.updated", clerkUser("user_grace1", newEmail, { last_name: "B. Hopper" }));
  assertEquals((await updated.json()).action, "updated");
  const again = await userByEmail(newEmail);
  assertEquals([again.id, again.name, again.role], [u.id, "Grace B. Hopper", "employee"]);
});

Deno.test("banned → suspended: the user's session and API key stop working at once", async () => {
  const email = `ban-${crypto.randomUUID().slice(0, 6)}@example.com`;
  await send("user.created", clerkUser("user_ban1", email));
  const row = (await sql`SELECT * FROM users WHERE lower(email) = ${email}`)[0];
  const session = await signIn(sql, row as never);
  const key = await createKey(app, session.bearer, { name: "laptop" });
  assertEquals((await app.request("/api/v1/me", { headers: session.bearer })).status, 200);

  const res = await send("user.updated", clerkUser("user_ban1", email, { banned: true }));
  assertEquals((await res.json()).action, "suspended");
  assertEquals((await userByEmail(email)).status, "suspended");
  assertEquals((await app.request("/api/v1/me", { headers: session.bearer })).status, 401);
  assertEquals((await app.request("/api/v1/me", { headers: { Authorization: `Bearer ${key.key}` } })).status, 401);
  const [audit] = await sql`SELECT action, details FROM audits WHERE resource_id = ${row.id} ORDER BY seq DESC LIMIT 1`;
  assertEquals([audit.action, audit.details.sessions_revoked, audit.details.keys_revoked], ["user.suspend", 1, 1]);
});

Deno.test("locked → inactive; user.deleted → suspended", async () => {
  const email = `lock-${crypto.randomUUID().slice(0, 6)}@example.com`;
  await send("user.created", clerkUser("user_lock1", email));
  await send("user.updated", clerkUser("user_lock1", email, { locked: true }));
  assertEquals((await userByEmail(email)).status, "inactive");
  const deleted = await send("user.deleted", { id: "user_lock1", deleted: true, object: "user" });
  assertEquals((await deleted.json()).action, "suspended");
  assertEquals((await userByEmail(email)).status, "suspended");
});

Deno.test("a forged signature or a stale timestamp is a 401 and changes nothing", async () => {
  const email = `forged-${crypto.randomUUID().slice(0, 6)}@example.com`;
  const before = (await sql`SELECT count(*)::int AS n FROM audits`)[0].n;
  const forged = await problem(await send("user.created", clerkUser("user_forged", email), { secret: FORGED }), 401);
  assertStringIncludes(JSON.stringify(forged), "signature");
  const stale = await send("user.created", clerkUser("user_stale", email), {
    at: new Date(Date.now() - 10 * 60_000),
  });
  await problem(stale, 401);
  assertEquals(await userByEmail(email), undefined);
  assertEquals((await sql`SELECT count(*)::int AS n FROM audits`)[0].n, before);
  const unknownTenant = await app.request("/hooks/clerk/no-such-tenant", { method: "POST", body: "{}" });
  assertEquals(unknownTenant.status, 401);
});

Deno.test("user_data: own pairs, admins' for others, audited; others' refused", async () => {
  const bobId = p.bob.user.id;
  const put = await app.request(
    `/api/v1/users/${bobId}/data/onboarding_step`,
    jsonRequest("PUT", { value: "3" }, p.bob.bearer),
  );
  assertEquals(put.status, 200);
  assertEquals((await put.json()).map((r: { key: string; value: string }) => [r.key, r.value]), [[
    "onboarding_step",
    "3",
  ]]);
  const byAdmin = await app.request(
    `/api/v1/users/${bobId}/data/team`,
    jsonRequest("PUT", { value: "payments" }, p.alice.bearer),
  );
  assertEquals(byAdmin.status, 200);
  await problem(
    await app.request(`/api/v1/users/${p.alice.user.id}/data/x`, jsonRequest("PUT", { value: "1" }, p.bob.bearer)),
    403,
  );
  await problem(await app.request(`/api/v1/users/${bobId}/data`, { headers: p.carol.bearer }), 404);
  await problem(await app.request(`/api/v1/users/${bobId}/data`, { headers: p.dave.bearer }), 404);
  const bad = await app.request(
    `/api/v1/users/${bobId}/data/no%20spaces`,
    jsonRequest("PUT", { value: "1" }, p.bob.bearer),
  );
  assertStringIncludes(JSON.stringify(await problem(bad, 422)), "key");
  const del = await app.request(`/api/v1/users/${bobId}/data/team`, { method: "DELETE", headers: p.alice.bearer });
  assertEquals((await del.json()).length, 1);
  const audits = await sql`SELECT action FROM audits WHERE resource_id = ${bobId} AND action LIKE 'user_data.%'`;
  assertEquals(audits.length, 3);
  assert(audits.some((a) => a.action === "user_data.delete"));
});

Deno.test("secrets:rotate re-seals the Clerk secret; webhooks verify under the new key alone", async () => {
  const NEW = "a-new-opsdeck-secret-a-new-opsdeck-secret-1";
  const before = (await sql`SELECT clerk_secret_key_id FROM user_sync_settings WHERE tenant_id = ${p.tenant.id}`)[0];
  const result = await rotateSecrets(sql, { current: NEW, previous: [TEST_SECRET] });
  assertEquals(result.failed, 0);
  const after = (await sql`SELECT clerk_secret_key_id FROM user_sync_settings WHERE tenant_id = ${p.tenant.id}`)[0];
  assert(after.clerk_secret_key_id !== before.clerk_secret_key_id);

  const email = `rotated-${crypto.randomUUID().slice(0, 6)}@example.com`;
  const body = JSON.stringify({ type: "user.created", data: clerkUser("user_rotated", email) });
  const at = new Date();
  const outcome = await handleClerkWebhook({ sql, secret: NEW, previousSecrets: [], now: () => at }, {
    tenantSlug: p.tenant.slug,
    rawBody: body,
    headers: {
      id: "msg_rotated",
      timestamp: String(Math.floor(at.getTime() / 1000)),
      signature: new Webhook(SECRET).sign("msg_rotated", at, body),
    },
    ip: null,
    userAgent: null,
  });
  assertEquals(outcome.action, "created");
});
