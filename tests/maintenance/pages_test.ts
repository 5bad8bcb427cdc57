import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { genPersonas } from "../helpers/fixtures.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });

const form = (fields: Record<string, string>, headers = p.bob.cookie) =>
  app.request("/maintenance", {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });

Deno.test("the page lists nothing with friendly empty states", async () => {
  const res = await app.request("/maintenance", { headers: p.bob.cookie });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "text/html; charset=UTF-8");
  const body = await res.text();
  assertStringIncludes(body, "Nothing is in maintenance right now.");
  assertStringIncludes(body, "New maintenance window");
});

Deno.test("creating a one-off window from local times in a timezone, then ending it with htmx", async () => {
  const start = Temporal.Now.zonedDateTimeISO("America/New_York").subtract({ minutes: 5 }).toPlainDateTime()
    .toString({ smallestUnit: "minute" });
  const end = Temporal.Now.zonedDateTimeISO("America/New_York").add({ hours: 1 }).toPlainDateTime()
    .toString({ smallestUnit: "minute" });
  const res = await form({
    title: "DB upgrade",
    project_id: shop.id,
    kind: "one_off",
    timezone: "America/New_York",
    starts_at: start,
    ends_at: end,
  });
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("Location"), "/maintenance?created=1");
  const [w] = await sql<{ id: string; starts_at: Date }[]>`
    SELECT id, starts_at FROM maintenance_windows WHERE title = 'DB upgrade'`;
  assert(Math.abs(w.starts_at.getTime() - (Date.now() - 5 * 60_000)) < 90_000, w.starts_at.toISOString());
  const listed = await (await app.request("/maintenance", { headers: p.bob.cookie })).text();
  assertStringIncludes(listed, "DB upgrade");
  assertStringIncludes(listed, `/maintenance/${w.id}/end`);

  const ended = await app.request(`/maintenance/${w.id}/end`, {
    method: "POST",
    headers: { ...p.bob.cookie, "HX-Request": "true" },
  });
  assertEquals(ended.status, 200);
  const row = await ended.text();
  assert(row.startsWith(`<tr id="window-${w.id}"`), row.slice(0, 60));
  assertStringIncludes(row, "ended");
});

Deno.test("a refused form comes back with the field's message and the recurrence preview", async () => {
  const res = await form({
    title: "Weekly",
    kind: "recurring",
    rrule: "FREQ=WEEKLY;BYDAY=XX",
    dtstart: "2026-03-01T02:00",
  });
  assertEquals(res.status, 422);
  const body = await res.text();
  assertStringIncludes(body, 'id="rrule-error"');
  assertStringIncludes(body, "BYDAY");
  const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM maintenance_windows WHERE title = 'Weekly'`;
  assertEquals(n, 0);
});

Deno.test("a recurring window from the form, and its next occurrences previewed in the chosen timezone", async () => {
  const preview = await app.request(
    "/maintenance/preview?rrule=FREQ%3DDAILY&dtstart=2026-03-27T02:30&timezone=Europe%2FBerlin&duration_minutes=60",
    { headers: { ...p.bob.cookie, "HX-Request": "true" } },
  );
  assertEquals(preview.status, 200);
  const html = await preview.text();
  assert(html.startsWith('<div id="window-preview"'));
  // the runs after now are shown; a daily 02:30 series keeps its local time
  assertStringIncludes(html, "02:30 – 03:30");
  const res = await form({
    title: "Nightly",
    kind: "recurring",
    rrule: "FREQ=DAILY",
    dtstart: "2026-01-01T02:30",
    timezone: "Europe/Berlin",
    duration_minutes: "60",
  });
  assertEquals(res.status, 303);
  const listed = await (await app.request("/maintenance", { headers: p.carol.cookie })).text();
  assertStringIncludes(listed, "Nightly");
  assert(!listed.includes("New maintenance window"), "client users cannot create windows");
});
