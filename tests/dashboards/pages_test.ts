/**
 * Dashboard pages as a browser without JS uses them: create, add widgets by
 * form, each widget's own fragment (and its own error), the layout form,
 * sharing, and markup in titles escaped in HTML and SVG.
 */
import { assert, assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject, getPage, postPage } from "../helpers/catalog.ts";
import { seedOpsData } from "../helpers/dashboards.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { genDataSource } from "../helpers/data_sources.ts";

const NOW = new Date("2026-03-10T12:00:00Z");
const { app, db } = await createTestApp({ now: () => NOW });
const sql = db.sql;
const p = await genPersonas(sql);
const acme = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
await seedOpsData(sql, { tenantId: p.tenant.id, projectId: acme.id, label: "Acme", now: NOW });
const EVIL = `<img src=x onerror=alert(1)>"</text><script>x</script>`;

Deno.test("dashboard pages without JS", async (t) => {
  let id = "";
  await t.step("create by form, then add widgets by form", async () => {
    const bad = await postPage(app, "/dashboards", { name: "" }, p.alice.cookie);
    assertEquals(bad.status, 422);
    assertStringIncludes(await bad.text(), "Give it a name");
    const res = await postPage(app, "/dashboards", { name: "Agency", tags: "ops, weekly" }, p.alice.cookie);
    assertEquals(res.status, 303);
    id = res.headers.get("Location")!.split("/").pop()!;
    for (
      const [type, source, title] of [
        ["pie_chart", "checks_by_status", EVIL],
        ["line_chart", "uptime_daily", "Uptime"],
        ["bar_chart", "deployments_daily", "Deploys"],
      ]
    ) {
      const added = await postPage(app, `/dashboards/${id}/widgets`, { type, source, title }, p.alice.cookie);
      assertEquals(added.status, 303);
    }
    const page = await getPage(app, `/dashboards/${id}?range=30d`, p.alice.cookie);
    const html = await page.text();
    assertEquals(page.status, 200);
    assertEquals((html.match(/hx-get="\/dashboards\/[^"]+\/widgets\//g) ?? []).length, 3);
    assertStringIncludes(html, "range=30d");
    assertStringIncludes(html, "/static/vendor/gridstack/gridstack-all.js");
    assertFalse(html.includes("<img src=x"));
  });

  await t.step("each widget is its own fragment: SVG with the title escaped", async () => {
    const [w] = await sql`SELECT id FROM widgets WHERE dashboard_id = ${id} AND type = 'pie_chart'`;
    const res = await getPage(app, `/dashboards/${id}/widgets/${w.id}?range=7d`, p.alice.cookie, true);
    const html = await res.text();
    assertEquals(res.status, 200);
    assertStringIncludes(html, "<svg");
    assertFalse(html.includes("<img src=x"));
    assertFalse(html.includes("<script>x"));
    assertMatch(html, /aria-label="&lt;img src=x/);
  });

  await t.step("a failing widget shows its own error in its tile, with a 200 so htmx swaps it", async () => {
    const { queryId } = await genDataSource(sql, p.tenant.id);
    const [w] = await sql`UPDATE widgets SET query = 'saved_query', saved_query_id = ${queryId}
                          WHERE dashboard_id = ${id} AND type = 'line_chart' RETURNING id`;
    const res = await getPage(app, `/dashboards/${id}/widgets/${w.id}`, p.alice.cookie, true);
    assertEquals(res.status, 200);
    assertStringIncludes(await res.text(), 'class="widget-error" role="alert"');
    const page = await getPage(app, `/dashboards/${id}`, p.alice.cookie);
    assertEquals(page.status, 200);
  });

  await t.step("the layout form moves, normalises overlaps and removes", async () => {
    const widgets = await sql`SELECT id, title FROM widgets WHERE dashboard_id = ${id} ORDER BY pos_y`;
    const fields: Record<string, string | string[]> = {};
    widgets.forEach((w, i) =>
      Object.assign(fields, {
        [`x.${w.id}`]: "0",
        [`y.${w.id}`]: "0",
        [`w.${w.id}`]: "12",
        [`h.${w.id}`]: String(i + 2),
      })
    );
    fields.remove = widgets[2].id;
    const res = await postPage(app, `/dashboards/${id}/layout`, fields, p.alice.cookie);
    assertEquals(res.status, 303);
    const after = await sql`SELECT pos_y, pos_h FROM widgets WHERE dashboard_id = ${id} ORDER BY pos_y`;
    assertEquals(after.length, 2);
    assertEquals(after[1].pos_y, after[0].pos_h);
    const neg = await postPage(
      app,
      `/dashboards/${id}/layout`,
      { ...fields, [`x.${widgets[0].id}`]: "-3" },
      p.alice.cookie,
    );
    assertEquals(neg.status, 422);
  });

  await t.step("share with a client user, who sees the dashboard but not the editing forms", async () => {
    const res = await postPage(app, `/dashboards/${id}/share`, {
      who: [p.carol.user.email, ""],
      level: ["view", "view"],
    }, p.alice.cookie);
    assertEquals(res.status, 303);
    const list = await (await getPage(app, "/dashboards?shared=1", p.carol.cookie)).text();
    assertStringIncludes(list, "Agency");
    const page = await (await getPage(app, `/dashboards/${id}`, p.carol.cookie)).text();
    assertFalse(page.includes("Add a widget"));
    assertFalse(page.includes(`/dashboards/${id}/share`));
    assertEquals((await getPage(app, `/dashboards/${id}`, p.erin.cookie)).status, 404);
  });

  await t.step("a public link from the share page", async () => {
    const res = await postPage(app, `/dashboards/${id}/public-link`, {}, p.alice.cookie);
    const html = await res.text();
    const url = html.match(/\/d\/([A-Za-z0-9_-]{20,})/)!;
    const pub = await app.request(url[0]);
    assertEquals(pub.status, 200);
    assert((await pub.text()).includes("<svg"));
  });

  await t.step("views over 30 days, and a report scheduled by form (more often than hourly refused)", async () => {
    const page = await (await getPage(app, `/dashboards/${id}`, p.alice.cookie)).text();
    assertMatch(page, /\d+ views in 30 days/);
    const fields = {
      name: "Weekly",
      cron: "*/10 * * * *",
      timezone: "UTC",
      recipients: "a@example.com",
      format: "pdf",
    };
    const bad = await postPage(app, `/dashboards/${id}/reports`, fields, p.alice.cookie);
    assertEquals(bad.status, 422);
    assertStringIncludes(await bad.text(), "more often than hourly");
    const ok = await postPage(app, `/dashboards/${id}/reports`, { ...fields, cron: "0 8 * * 1" }, p.alice.cookie);
    assertEquals(ok.status, 303);
    const list = await (await getPage(app, `/dashboards/${id}/reports`, p.alice.cookie)).text();
    assertStringIncludes(list, "0 8 * * 1");
  });
});
