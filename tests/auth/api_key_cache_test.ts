/**
 * The API-key cache: a verified key is served from memory, and revoking it,
 * expiring it or suspending its user holds at once in this process and, by
 * the database's notification, in every other one.
 */
import { assert, assertEquals } from "@std/assert";
import { createApp } from "../../routes/app.ts";
import { createApiKeyCache, listenForAuthChanges } from "../../services/auth/api_key_cache.ts";
import { createTestApp } from "../helpers/app.ts";
import { bearer, createKey } from "../helpers/api_keys.ts";
import { genPersonas } from "../helpers/fixtures.ts";

let clock = new Date("2026-03-02T10:00:00Z");
const cacheA = createApiKeyCache({ ttlMs: 60_000 });
const { app, db, deps } = await createTestApp({ apiKeys: cacheA, now: () => clock });
const sql = db.sql;
const p = await genPersonas(sql);
/** Another replica on the same database, with a cache of its own. */
const cacheB = createApiKeyCache({ ttlMs: 60_000 });
const replica = createApp({ ...deps, apiKeys: cacheB });
const stopA = await listenForAuthChanges(sql, cacheA);
const stopB = await listenForAuthChanges(sql, cacheB);

const status = async (target: typeof app, key: string) => {
  const res = await target.request("/api/v1/me", { headers: bearer(key) });
  await res.body?.cancel();
  return res.status;
};

/** Until `target` refuses `key`; the notification arrives asynchronously, so bounded polling, no timing. */
async function refusedSoon(target: typeof app, key: string): Promise<boolean> {
  for (let i = 0; i < 400; i++) {
    if (await status(target, key) === 401) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}

Deno.test("a verified key is kept, and a revocation through the API holds at once here and soon on the replica", async () => {
  const { id, key } = await createKey(app, p.bob.bearer);
  assertEquals(await status(app, key), 200);
  assertEquals(await status(replica, key), 200);
  assert(cacheA.get(key, clock), "this process keeps the verified key");
  assert(cacheB.get(key, clock), "so does the replica");

  const res = await app.request(`/api/v1/api-keys/${id}`, { method: "DELETE", headers: p.bob.bearer });
  assertEquals(res.status, 204);
  assertEquals(await status(app, key), 401, "the next request here is refused, without waiting for anything");
  assert(await refusedSoon(replica, key), "the replica drops the key when the notification arrives");
});

Deno.test("a change made with plain SQL elsewhere (a suspended user) reaches every process's cache", async () => {
  const { key } = await createKey(app, p.carol.bearer);
  assertEquals(await status(app, key), 200);
  assertEquals(await status(replica, key), 200);
  await sql`UPDATE users SET status = 'suspended' WHERE id = ${p.carol.user.id}`;
  assert(await refusedSoon(app, key));
  assert(await refusedSoon(replica, key));
  await sql`UPDATE users SET status = 'active' WHERE id = ${p.carol.user.id}`;
});

Deno.test("a cached key stops working when it expires, with no notification needed", async () => {
  const { key } = await createKey(app, p.alice.bearer, {
    expires_at: new Date(clock.getTime() + 60 * 60_000).toISOString(),
  });
  assertEquals(await status(app, key), 200);
  assert(cacheA.get(key, clock));
  clock = new Date(clock.getTime() + 61 * 60_000);
  assertEquals(await status(app, key), 401);
});

Deno.test("stop listening", async () => {
  await stopA();
  await stopB();
});
