/**
 * Status pages end to end over the API and the public routes: pages and
 * components (audited, client-scoped), the public page, JSON summary, feeds
 * and badges (nothing internal in any of them, script escaped), 404 for
 * unknown, unpublished and foreign pages and hosts, a cached view costing no
 * database query, and incidents by hand, from an alert and by a rule.
 */
import { assert, assertEquals, assertFalse, assertStringIncludes } from "@std/assert";
import postgres from "postgres";
import { buildTestApp, createTestApp } from "../helpers/app.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { genProject } from "../helpers/catalog.ts";
import { insertResults } from "../helpers/checks.ts";
import { checkEvent, fire } from "../helpers/alerts.ts";
import type { Sql } from "../../db/client.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const acmeShop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const globexSite = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex site" });

const SECRET_URL = "https://internal-api.acme.example/healthz?token=s3cr3t";
async function check(projectId: string, name: string, url: string, status = "up") {
  const [row] = await sql<{ id: string; name: string; project_id: string }[]>`
    INSERT INTO health_checks (tenant_id, project_id, name, type, url, headers, status)
    VALUES (${p.tenant.id}, ${projectId}, ${name}, 'http', ${url}, ${sql.json({ Authorization: "Bearer hunter2" })},
            ${status})
    RETURNING id, name, project_id`;
  return row;
}
const api = await check(acmeShop.id, "acme-prod-api-internal", SECRET_URL);
const web = await check(acmeShop.id, "acme-prod-web-01", "https://10.0.3.7:8443/ping");
const globexCheck = await check(globexSite.id, "globex-internal", "https://globex.internal/");

// 90 days of results: api 100 % up except one bad day, web always up
const now = new Date();
const day = (n: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - n, 12));
await insertResults(sql, p.tenant.id, api.id, [
  ...Array.from({ length: 10 }, (_, i) => ({ status: "up" as const, latencyMs: 120, at: day(i + 3) })),
  { status: "down", latencyMs: 900, at: day(2), detail: "connect ECONNREFUSED 10.0.3.7:8443" },
  { status: "up", latencyMs: 100, at: new Date(day(2).getTime() + 60_000) },
]);

async function call(method: string, path: string, body?: unknown, headers = p.alice.bearer) {
  return await app.request(path, body === undefined ? { method, headers } : jsonRequest(method, body, headers));
}

const pageBody = {
  title: "Acme <script>alert(1)</script> status",
  slug: "acme",
  client_id: p.clients.acme.id,
  description: "Shop & API",
  published: true,
  custom_domain: "status.acme.example",
  show_response_times: true,
};

Deno.test("status pages: admin API, public views, incidents", async (t) => {
  let pageId = "";
  let apiComponent = "";
  try {
    await t.step("create a page and components; audited; bad input names the field and stores nothing", async () => {
      const res = await call("POST", "/api/v1/status-pages", pageBody);
      assertEquals(res.status, 201);
      const page = await res.json();
      pageId = page.id;
      assertEquals(page.public_url, "/status/acme");
      const bad = await problem(await call("POST", "/api/v1/status-pages", { ...pageBody, slug: "Not A Slug!" }), 422);
      assertEquals(bad.errors[0].path, "slug");
      const dup = await problem(await call("POST", "/api/v1/status-pages", pageBody), 422);
      assertEquals(dup.errors[0].path, "slug");
      const comp = await call("POST", `/api/v1/status-pages/${pageId}/components`, {
        name: "API <img src=x onerror=alert(2)>",
        check_ids: [api.id],
      });
      assertEquals(comp.status, 201);
      apiComponent = (await comp.json()).id;
      assertEquals(
        (await call("POST", `/api/v1/status-pages/${pageId}/components`, {
          name: "Website",
          position: 1,
          check_ids: [web.id],
        })).status,
        201,
      );
      // a client's page takes only that client's checks
      const foreign = await problem(
        await call("POST", `/api/v1/status-pages/${pageId}/components`, { name: "X", check_ids: [globexCheck.id] }),
        422,
      );
      assertEquals(foreign.errors[0].path, "check_ids");
      const [{ n }] = await sql`SELECT count(*)::int AS n FROM status_page_components WHERE page_id = ${pageId}`;
      assertEquals(n, 2);
      const actions = await sql`SELECT action FROM audits WHERE resource_type IN ('status_page', 'status_component')
        ORDER BY seq`;
      assertEquals(actions.map((a) => a.action), [
        "status_page.create",
        "status_component.create",
        "status_component.create",
      ]);
    });

    await t.step("client users see their own client's pages only; employees cannot delete", async () => {
      const carol = await (await call("GET", "/api/v1/status-pages", undefined, p.carol.bearer)).json();
      assertEquals(carol.data.map((x: { id: string }) => x.id), [pageId]);
      const erin = await (await call("GET", "/api/v1/status-pages", undefined, p.erin.bearer)).json();
      assertEquals(erin.data, []);
      assertEquals((await call("GET", `/api/v1/status-pages/${pageId}`, undefined, p.erin.bearer)).status, 404);
      assertEquals((await call("GET", `/api/v1/status-pages/${pageId}`, undefined, p.dave.bearer)).status, 404);
      assertEquals((await call("DELETE", `/api/v1/status-pages/${pageId}`, undefined, p.bob.bearer)).status, 403);
      assertEquals((await call("PUT", `/api/v1/status-pages/${pageId}`, pageBody, p.carol.bearer)).status, 403);
    });

    const internals = [api.name, SECRET_URL, web.name, "10.0.3.7", "hunter2", "ECONNREFUSED", "s3cr3t", api.id, web.id];
    const publicPaths = ["", "/api/v2/summary.json", "/feed.rss", "/feed.atom", `/badge/${apiComponent}.svg`];

    await t.step("public page, JSON, feeds and badge: no login, nothing internal, script escaped", async () => {
      for (const suffix of [...publicPaths, `/badge/${apiComponent}.svg`]) {
        const res = await app.request(`/status/acme${suffix.replace(`${apiComponent}`, apiComponent)}`);
        const body = await res.text();
        assertEquals(res.status, 200, suffix);
        assertEquals(res.headers.get("X-Robots-Tag"), "noindex");
        for (const secret of internals) assertFalse(body.includes(secret), `${suffix} leaks ${secret}`);
        assertFalse(body.includes("<script>alert(1)"), `${suffix} has raw script`);
        assertFalse(body.includes("<img src=x"), `${suffix} has raw img`);
      }
      const html = await (await app.request("/status/acme")).text();
      assertStringIncludes(html, "Acme &lt;script>alert(1)&lt;/script> status");
      assertEquals((html.match(/class="bar /g) ?? []).length, 2 * 90 + 5); // 90 bars per component + legend
      const summary = await (await app.request("/status/acme/api/v2/summary.json")).json();
      assertEquals(summary.status.indicator, "none");
      assertEquals(summary.components.map((c: { name: string }) => c.name), [
        "API <img src=x onerror=alert(2)>",
        "Website",
      ]);
      // 11 of 12 results answered over 90 days
      assertEquals(summary.components[0].uptime_90d, Math.round(100 * 11 / 12 * 1000) / 1000);
    });

    await t.step("unknown, unpublished and foreign pages and hosts are 404", async () => {
      assertEquals((await app.request("/status/nope")).status, 404);
      assertEquals((await app.request("/status/ACME")).status, 404);
      // the custom domain serves its page at the root, and only its page
      const byHost = await app.request("/api/v2/summary.json", { headers: { Host: "status.acme.example" } });
      assertEquals(byHost.status, 200);
      assertEquals((await byHost.json()).page.name, pageBody.title);
      assertEquals((await app.request("/login", { headers: { Host: "status.acme.example" } })).status, 404);
      assertEquals((await app.request("/api/v2/summary.json", { headers: { Host: "other.example" } })).status, 404);
      // another tenant's page on another domain never answers for this one
      const dave = await call(
        "POST",
        "/api/v1/status-pages",
        { title: "Other", slug: "other-co", published: true },
        p.dave.bearer,
      );
      assertEquals(dave.status, 201);
      assertEquals((await (await app.request("/status/other-co/api/v2/summary.json")).json()).components, []);
      await call("PUT", `/api/v1/status-pages/${pageId}`, { ...pageBody, published: false });
      assertEquals((await app.request("/status/acme")).status, 404);
      assertEquals((await app.request("/", { headers: { Host: "status.acme.example" } })).status, 404);
      await call("PUT", `/api/v1/status-pages/${pageId}`, pageBody);
      assertEquals((await app.request("/status/acme")).status, 200);
    });

    await t.step("a cached view costs no database query", async () => {
      let queries = 0;
      const counting = postgres(db.url, { max: 2, debug: () => queries++, onnotice: () => {} }) as unknown as Sql;
      try {
        const { app: counted } = await buildTestApp(counting);
        assertEquals((await counted.request("/status/acme")).status, 200);
        const afterFirst = queries;
        assert(afterFirst > 0);
        for (let i = 0; i < 50; i++) {
          for (const suffix of publicPaths) await (await counted.request(`/status/acme${suffix}`)).arrayBuffer();
        }
        assertEquals(queries - afterFirst, 0);
        // browsers get the pre-compressed copy: the same page
        const gz = await counted.request("/status/acme", { headers: { "Accept-Encoding": "gzip" } });
        assertEquals(gz.headers.get("Content-Encoding"), "gzip");
        const unzipped = await new Response(gz.body!.pipeThrough(new DecompressionStream("gzip"))).text();
        assertEquals(unzipped, await (await counted.request("/status/acme")).text());
        assertEquals(queries - afterFirst, 0);
      } finally {
        await counting.end();
      }
    });

    let incidentId = "";
    await t.step("an incident by hand: event, audit, shown publicly and escaped; invalidates the cache", async () => {
      await app.request("/status/acme"); // cached
      const res = await call("POST", "/api/v1/incidents", {
        page_id: pageId,
        title: "Checkout <script>x()</script> errors",
        impact: "major",
        message: "We see <b>errors</b>",
        component_ids: [apiComponent],
      });
      assertEquals(res.status, 201);
      const incident = await res.json();
      incidentId = incident.id;
      assertEquals(incident.status, "investigating");
      const html = await (await app.request("/status/acme")).text();
      assertStringIncludes(html, "Checkout &lt;script>x()&lt;/script> errors");
      assertStringIncludes(html, "We see &lt;b>errors&lt;/b>");
      const summary = await (await app.request("/status/acme/api/v2/summary.json")).json();
      assertEquals(summary.components[0].status, "partial_outage");
      assertEquals(summary.incidents.length, 1);
      const rss = await (await app.request("/status/acme/feed.rss")).text();
      assertFalse(rss.includes("<script>x()"));
      assertStringIncludes(rss, "Checkout &lt;script&gt;x()&lt;/script&gt; errors");
      const bad = await problem(
        await call("POST", `/api/v1/incidents/${incidentId}/updates`, { status: "bogus", message: "x" }),
        422,
      );
      assertEquals(bad.errors[0].path, "status");
      for (const status of ["identified", "monitoring", "resolved"]) {
        assertEquals(
          (await call("POST", `/api/v1/incidents/${incidentId}/updates`, { status, message: `Now ${status}` })).status,
          200,
        );
      }
      const events = await sql`SELECT type FROM events WHERE subject_id = ${incidentId} ORDER BY created_at, type`;
      assertEquals(events.map((e) => e.type), [
        "incident.created",
        "incident.updated",
        "incident.updated",
        "incident.resolved",
      ]);
      const audits = await sql`SELECT action FROM audits WHERE resource_id = ${incidentId} ORDER BY seq`;
      assertEquals(audits.map((a) => a.action), [
        "incident.create",
        "incident.update",
        "incident.update",
        "incident.resolve",
      ]);
      const after = await (await app.request("/status/acme/api/v2/summary.json")).json();
      assertEquals(after.incidents, []);
      assertEquals(after.components[0].status, "operational");
      assertEquals((await call("GET", `/api/v1/incidents/${incidentId}`, undefined, p.erin.bearer)).status, 404);
      assertEquals((await call("GET", `/api/v1/incidents/${incidentId}`, undefined, p.carol.bearer)).status, 200);
    });

    await t.step(
      "one click from an alert, and automatically per alert rule; nothing internal in the text",
      async () => {
        const [rule] = await sql`
        INSERT INTO alert_rules (tenant_id, name, kind, severity) VALUES (${p.tenant.id}, 'Down', 'check_down', 'critical')
        RETURNING id`;
        await sql`UPDATE health_checks SET status = 'down' WHERE id = ${api.id}`;
        await fire(sql, checkEvent("health_check.down", api, p.tenant.id));
        const [alert] = await sql`SELECT id FROM alerts WHERE check_id = ${api.id}`;
        const res = await call("POST", `/api/v1/alerts/${alert.id}/incident`, {});
        assertEquals(res.status, 201);
        const [opened] = (await res.json()).data;
        assertEquals(opened.alert_id, alert.id);
        assertEquals(opened.component_ids, [apiComponent]);
        assertEquals((await call("POST", `/api/v1/alerts/${alert.id}/incident`, {})).status, 422); // once per alert
        const html = await (await app.request("/status/acme")).text();
        for (const secret of internals) assertFalse(html.includes(secret), `leaks ${secret}`);
        assertStringIncludes(html, "service disruption");

        // the rule opens the next one by itself
        assertEquals(
          (await call("PUT", `/api/v1/status-pages/${pageId}/auto-incidents`, { alert_rule_ids: [rule.id] })).status,
          200,
        );
        await sql`UPDATE health_checks SET status = 'down' WHERE id = ${web.id}`;
        await fire(sql, checkEvent("health_check.down", web, p.tenant.id));
        const [auto] =
          await sql`SELECT i.title FROM incidents i JOIN alerts a ON a.id = i.alert_id WHERE a.check_id = ${web.id}`;
        assertEquals(auto.title, "Website: service disruption");
      },
    );
  } finally {
    await sql.end();
  }
});
