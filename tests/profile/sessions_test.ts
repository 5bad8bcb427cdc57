import { assert, assertEquals } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { bearer, createKey } from "../helpers/api_keys.ts";
import { genPersonas, genUser, signIn } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);

type Listed = { id: string; current: boolean; ip: string | null; user_agent: string | null };
const list = async (headers: Record<string, string>): Promise<Listed[]> =>
  (await (await app.request("/api/v1/sessions", { headers })).json()).data;

Deno.test("GET /api/v1/sessions lists my working sessions, marks the current one, hides ended and others'", async () => {
  const user = await genUser(sql, p.tenant.id);
  const [laptop, phone, revoked, expired, idle] = await Promise.all([1, 2, 3, 4, 5].map(() => signIn(sql, user)));
  await sql`UPDATE sessions SET revoked_at = now() WHERE id = ${revoked.sessionId}`;
  await sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = ${expired.sessionId}`;
  await sql`UPDATE sessions SET last_seen_at = now() - interval '13 hours' WHERE id = ${idle.sessionId}`;

  const res = await app.request("/api/v1/sessions", { headers: laptop.bearer });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const body = await res.json();
  assertEquals(body.next_cursor, null);
  const ids = body.data.map((s: Listed) => s.id).sort();
  assertEquals(ids, [laptop.sessionId, phone.sessionId].sort());
  const current = body.data.find((s: Listed) => s.current);
  assertEquals(current.id, laptop.sessionId);
  assertEquals([current.ip, current.user_agent], ["127.0.0.1", "tests"]);
  for (const field of ["created_at", "last_seen_at", "expires_at"]) assert(!isNaN(Date.parse(current[field])));
});

Deno.test("DELETE /api/v1/sessions/{id} ends one of my sessions on its very next request, audited", async () => {
  const user = await genUser(sql, p.tenant.id);
  const [laptop, phone] = await Promise.all([signIn(sql, user), signIn(sql, user)]);
  const res = await app.request(`/api/v1/sessions/${phone.sessionId}`, { method: "DELETE", headers: laptop.bearer });
  assertEquals(res.status, 204);
  assertEquals((await app.request("/api/v1/me", { headers: phone.bearer })).status, 401);
  assertEquals((await app.request("/api/v1/me", { headers: laptop.bearer })).status, 200);
  const audits = await sql`SELECT actor_user_id FROM audits WHERE action = 'session.revoke'
    AND resource_id = ${phone.sessionId}`;
  assertEquals(audits.map((a) => a.actor_user_id), [user.id]);
  const again = await app.request(`/api/v1/sessions/${phone.sessionId}`, { method: "DELETE", headers: laptop.bearer });
  assertEquals(again.status, 404, "an ended session is no longer there to end");
});

Deno.test("another user's or another tenant's session id is 404 and stays alive", async () => {
  for (const attacker of [p.alice, p.dave]) {
    const res = await app.request(`/api/v1/sessions/${p.bob.sessionId}`, {
      method: "DELETE",
      headers: attacker.bearer,
    });
    assertEquals(res.status, 404);
    assertEquals(res.headers.get("Content-Type"), "application/problem+json");
  }
  assertEquals((await app.request("/api/v1/me", { headers: p.bob.bearer })).status, 200);
  assertEquals((await list(p.alice.bearer)).some((s) => s.id === p.bob.sessionId), false);
});

Deno.test("ending the current session through its id signs the browser out too", async () => {
  const who = await signIn(sql, await genUser(sql, p.tenant.id));
  const res = await app.request(`/api/v1/sessions/${who.sessionId}`, { method: "DELETE", headers: who.cookie });
  assertEquals(res.status, 204);
  assert(res.headers.get("Set-Cookie")?.includes("opsdeck_session=;"));
  assertEquals((await app.request("/api/v1/me", { headers: who.bearer })).status, 401);
});

Deno.test("sessions are managed with a session: an API key gets 403", async () => {
  const { key } = await createKey(app, p.alice.bearer);
  assertEquals((await app.request("/api/v1/sessions", { headers: bearer(key) })).status, 403);
  const res = await app.request(`/api/v1/sessions/${p.alice.sessionId}`, { method: "DELETE", headers: bearer(key) });
  assertEquals(res.status, 403);
  assertEquals((await app.request("/api/v1/me", { headers: p.alice.bearer })).status, 200);
});
