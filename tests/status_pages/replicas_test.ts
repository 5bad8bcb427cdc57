/**
 * Two app instances on one database, each with its own public-page cache, as
 * two replicas are: a change through one shows on the other's public page at
 * once (the database's notification, not the 30 s TTL), and so does an
 * incident a rule opens inside the alert's transaction. Instance B's cache
 * leaves out this process's in-process signal, so only the notification can
 * reach it, as in another process.
 */
import { assert, assertEquals } from "@std/assert";
import { createApp } from "../../routes/app.ts";
import { createPublicPageCaches, listenForStatusPageChanges } from "../../services/status_pages/public_cache.ts";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { jsonRequest } from "../helpers/http.ts";
import { genProject } from "../helpers/catalog.ts";
import { checkEvent, fire, genCheck } from "../helpers/alerts.ts";

const TTL = 60 * 60_000;
const cacheA = createPublicPageCaches({ ttlMs: TTL });
const { app: a, db, deps } = await createTestApp({ publicPages: cacheA });
const sql = db.sql;
const cacheB = createPublicPageCaches({ ttlMs: TTL, localSignal: false });
const b = createApp({ ...deps, publicPages: cacheB });
const stopA = await listenForStatusPageChanges(sql, cacheA);
const stopB = await listenForStatusPageChanges(sql, cacheB);

const p = await genPersonas(sql);
const project = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Shop" });
const check = await genCheck(sql, p.tenant.id, project.id, "shop-internal");

type Summary = { page: { name: string }; components: { name: string }[]; incidents: { name: string }[] };
const summary = async (target: typeof a): Promise<Summary> => {
  const res = await target.request("/status/shop/api/v2/summary.json");
  assertEquals(res.status, 200);
  return await res.json();
};

/** Until `target`'s page satisfies `ok`; the notification arrives asynchronously, so bounded polling, no timing. */
async function soon(target: typeof a, ok: (s: Summary) => boolean): Promise<boolean> {
  for (let i = 0; i < 400; i++) {
    const res = await target.request("/status/shop/api/v2/summary.json");
    if (res.status === 200 ? ok(await res.json()) : (await res.body?.cancel(), false)) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}

Deno.test("a change through one instance shows on the other's cached public page without waiting for the TTL", async () => {
  const created = await a.request(
    "/api/v1/status-pages",
    jsonRequest(
      "POST",
      { title: "Shop status", slug: "shop", client_id: p.clients.acme.id, published: true },
      p.alice.bearer,
    ),
  );
  assertEquals(created.status, 201);
  const pageId = (await created.json()).id;
  // B caches the page once the creation's own notification has come by (notifications arrive in commit order)
  let cached = false;
  for (let i = 0; i < 400 && !cached; i++) {
    assertEquals((await summary(b)).components, []);
    const loads = cacheB.pages.loads;
    await summary(b);
    cached = cacheB.pages.loads === loads;
  }
  assert(cached, "B serves its cached view");

  const comp = await a.request(
    `/api/v1/status-pages/${pageId}/components`,
    jsonRequest("POST", { name: "Checkout", check_ids: [check.id] }, p.alice.bearer),
  );
  assertEquals(comp.status, 201);
  assert(await soon(b, (s) => s.components.map((c) => c.name).join() === "Checkout"), "B shows the new component");

  await a.request(
    `/api/v1/status-pages/${pageId}`,
    jsonRequest(
      "PUT",
      { title: "Shop status", slug: "shop", client_id: p.clients.acme.id, published: false },
      p.alice.bearer,
    ),
  );
  let gone = false;
  for (let i = 0; i < 400 && !gone; i++) {
    gone = (await b.request("/status/shop")).status === 404;
    if (!gone) await new Promise((r) => setTimeout(r, 5));
  }
  assert(gone, "an unpublished page leaves B too");
  await a.request(
    `/api/v1/status-pages/${pageId}`,
    jsonRequest(
      "PUT",
      { title: "Shop status", slug: "shop", client_id: p.clients.acme.id, published: true },
      p.alice.bearer,
    ),
  );
  assert(await soon(b, (s) => s.components.length === 1));

  // an incident a rule opens inside the alert's transaction (no in-process signal at all) shows on both at once
  const [rule] = await sql`
    INSERT INTO alert_rules (tenant_id, name, kind, severity) VALUES (${p.tenant.id}, 'Down', 'check_down', 'critical')
    RETURNING id`;
  const auto = await a.request(
    `/api/v1/status-pages/${pageId}/auto-incidents`,
    jsonRequest("PUT", { alert_rule_ids: [rule.id] }, p.alice.bearer),
  );
  assertEquals(auto.status, 200);
  await auto.body?.cancel();
  assertEquals((await summary(a)).incidents, []);
  assertEquals((await summary(b)).incidents, []);
  await sql`UPDATE health_checks SET status = 'down' WHERE id = ${check.id}`;
  await fire(sql, checkEvent("health_check.down", check, p.tenant.id));
  const [opened] = await sql`SELECT id FROM incidents WHERE page_id = ${pageId}`;
  assert(opened, "the rule opened an incident");
  assert(await soon(a, (s) => s.incidents.length === 1), "A shows the auto-opened incident");
  assert(await soon(b, (s) => s.incidents.length === 1), "B shows it too");

  // a write by plain SQL (another tool, a migration) reaches the caches the same way
  await sql`UPDATE status_page_components SET name = 'Payments' WHERE page_id = ${pageId}`;
  assert(await soon(b, (s) => s.components[0]?.name === "Payments"));
});

Deno.test("stop listening", async () => {
  await stopA();
  await stopB();
});
