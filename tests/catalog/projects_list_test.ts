import { assert, assertEquals } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { genClient, genPersonas } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const initech = await genClient(sql, p.tenant.id, "Initech");

// 12 projects with a spread of names, clients, tags and creation times.
const NAMES = [
  "alpha",
  "Bravo",
  "charlie",
  "Delta",
  "echo",
  "Foxtrot",
  "golf",
  "Hotel",
  "india",
  "Juliet",
  "kilo",
  "Lima",
];
for (const [i, name] of NAMES.entries()) {
  const client = [p.clients.acme, p.clients.globex, initech][i % 3];
  await genProject(sql, p.tenant.id, client.id, {
    name: `${name} site`,
    slug: `${name.toLowerCase()}-web`,
    tags: i % 2 ? ["odd"] : ["even"],
    archived: name === "Lima",
  });
}
// Spread the creation times so created_at sorts are deterministic; microseconds make the cursor work harder.
await sql`
  UPDATE projects SET created_at = timestamptz '2026-01-01' + (position(left(name, 1) IN 'aBcDeFgHiJkL') * interval '1 hour 1 microsecond')
  WHERE tenant_id = ${p.tenant.id}`;

const names = async (path: string) => {
  const res = await app.request(path, { headers: p.bob.bearer });
  assertEquals(res.status, 200, path);
  return await res.json() as { data: { name: string }[]; next_cursor: string | null };
};

/** Follows the cursors to the end with the given page size. */
async function walk(query: string, limit: number): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { data: { name: string }[]; next_cursor: string | null } = await names(
      `/api/v1/projects?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
    );
    out.push(...page.data.map((x) => x.name));
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

const active = NAMES.filter((n) => n !== "Lima").map((n) => `${n} site`);

Deno.test("GET /api/v1/projects pages through every sort without gaps or repeats", async (t) => {
  const byName = [...active].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  for (
    const [sort, expected] of [
      ["name", byName],
      ["-name", [...byName].reverse()],
      ["created_at", active],
      ["-created_at", [...active].reverse()],
    ] as const
  ) {
    await t.step(sort, async () => {
      assertEquals(await walk(`sort=${sort}`, 4), expected);
      assertEquals(await walk(`sort=${sort}`, 5), expected);
    });
  }
  await t.step("updated_at both ways hold every project once", async () => {
    const up = await walk("sort=updated_at", 3);
    assertEquals([...up].sort(), [...active].sort());
    assertEquals(await walk("sort=-updated_at", 3), up.reverse());
  });
});

Deno.test("GET /api/v1/projects filters by q, client, tag and archived", async (t) => {
  await t.step("?q= matches the name or the slug, case-insensitively", async () => {
    assertEquals((await names("/api/v1/projects?q=ECHO")).data.map((x) => x.name), ["echo site"]);
    assertEquals((await names("/api/v1/projects?q=kilo-w")).data.map((x) => x.name), ["kilo site"]);
    assertEquals((await names("/api/v1/projects?q=nothing-like-this")).data, []);
  });
  await t.step("?client_id=", async () => {
    const listed = (await names(`/api/v1/projects?client_id=${initech.id}`)).data.map((x) => x.name);
    assertEquals(listed, ["charlie site", "Foxtrot site", "india site"]);
  });
  await t.step("?tag=", async () => {
    const odd = (await names("/api/v1/projects?tag=odd&limit=200")).data.map((x) => x.name);
    assertEquals(odd.length, 5);
    assert(odd.includes("Bravo site"));
  });
  await t.step("?archived=true", async () => {
    assertEquals((await names("/api/v1/projects?archived=true")).data.map((x) => x.name), ["Lima site"]);
  });
  await t.step("filters combine, and paging keeps them", async () => {
    assertEquals(await walk(`tag=even&client_id=${p.clients.acme.id}`, 1), ["alpha site", "golf site"]);
  });
});

Deno.test("GET /api/v1/projects refuses bad query values with 4xx", async (t) => {
  await t.step("unknown sort → 422 naming sort", async () => {
    const body = await problem(await app.request("/api/v1/projects?sort=slug", { headers: p.bob.bearer }), 422);
    assertEquals(body.errors[0].path, "sort");
  });
  await t.step("limit over 200 → 422", async () => {
    await problem(await app.request("/api/v1/projects?limit=201", { headers: p.bob.bearer }), 422);
  });
  await t.step("a cursor from another sort → 400", async () => {
    const { next_cursor } = await names("/api/v1/projects?sort=name&limit=2");
    const res = await app.request(`/api/v1/projects?sort=created_at&cursor=${next_cursor}`, { headers: p.bob.bearer });
    await problem(res, 400);
  });
  await t.step("a forged cursor → 400", async () => {
    const forged = btoa(JSON.stringify(["name", "x", "not-a-uuid"]));
    await problem(await app.request(`/api/v1/projects?cursor=${forged}`, { headers: p.bob.bearer }), 400);
  });
});
