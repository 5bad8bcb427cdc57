import { assertEquals } from "@std/assert";
import { bearer, createKey } from "../helpers/api_keys.ts";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { IngestSchema, plainlyValidBatch } from "../../services/metrics/schemas.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });
const globexApp = await genProject(sql, p.tenant.id, p.clients.globex.id, { name: "Globex app" });
const initech = await genProject(sql, p.other.id, p.clients.otherClient.id, { name: "Initech portal" });
const writer = bearer((await createKey(app, p.alice.bearer, { scopes: ["metrics:write"] })).key);

const post = (body: unknown, headers: Record<string, string>, key?: string) =>
  app.request("/api/v1/metrics", jsonRequest("POST", body, { ...headers, ...(key ? { "Idempotency-Key": key } : {}) }));
const stored = async (projectId: string) =>
  (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM metric_snapshots WHERE project_id = ${projectId}`)[0].n;
const ingestAudits = async () =>
  await sql<{ details: { count: number; project_ids: string[] } }[]>`
    SELECT details FROM audits WHERE action = 'metrics.ingest' ORDER BY created_at`;

Deno.test("a batch is stored in one go with one audit row naming the count and projects, not the points", async () => {
  const before = (await ingestAudits()).length;
  const res = await post({
    points: [
      { project_id: shop.id, type: "cpu.load", value: 0.5, recorded_at: "2026-01-01T00:00:00Z" },
      { project_id: shop.id, type: "cpu.load", value: 0.7, recorded_at: "2026-01-01T00:01:00Z" },
      { project_id: globexApp.id, type: "queue.depth", value: 3 },
    ],
  }, writer);
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const body = await res.json();
  assertEquals(body.accepted, 3);
  assertEquals(body.project_ids.sort(), [shop.id, globexApp.id].sort());
  const audits = await ingestAudits();
  assertEquals(audits.length, before + 1);
  assertEquals(audits[audits.length - 1].details.count, 3);
  assertEquals(JSON.stringify(audits[audits.length - 1].details).includes("cpu.load"), false);
});

Deno.test("bad points are named by path and nothing of the batch is stored", async () => {
  const points = Array.from({ length: 20 }, (_, i) => ({ project_id: shop.id, type: "bad.batch", value: i }));
  points[17] = { ...points[17], value: "high" as unknown as number };
  (points[3] as Record<string, unknown>).type = "Has Spaces";
  (points[5] as Record<string, unknown>).recorded_at = "yesterday";
  (points[6] as Record<string, unknown>).tenant_id = p.other.id;
  const body = await problem(await post({ points }, writer), 422);
  const paths = body.errors.map((e: { path: string }) => e.path).sort();
  assertEquals(paths, ["points[17].value", "points[3].type", "points[5].recorded_at", "points[6]"].sort());
  const rows = await sql`SELECT 1 FROM metric_snapshots WHERE type = 'bad.batch'`;
  assertEquals(rows.length, 0);
});

Deno.test("non-finite values, far-future times, empty and oversized batches are refused", async () => {
  // JSON has no Infinity: 1e400 arrives as null
  const huge = await problem(await post({ points: [{ project_id: shop.id, type: "x", value: 1e400 }] }, writer), 422);
  assertEquals(huge.errors[0].path, "points[0].value");
  const future = await problem(
    await post({ points: [{ project_id: shop.id, type: "x", value: 1, recorded_at: "2999-01-01T00:00:00Z" }] }, writer),
    422,
  );
  assertEquals(future.errors[0].path, "points[0].recorded_at");
  assertEquals((await problem(await post({ points: [] }, writer), 422)).errors[0].path, "points");
  const tooMany = Array.from({ length: 10_001 }, (_, i) => ({ project_id: shop.id, type: "x", value: i }));
  assertEquals((await problem(await post({ points: tooMany }, writer), 422)).errors[0].path, "points");
  const bigBody = JSON.stringify({ points: [{ project_id: shop.id, type: "x", value: 1 }], pad: "x".repeat(5e6) });
  const res = await app.request("/api/v1/metrics", {
    method: "POST",
    headers: { ...writer, "Content-Type": "application/json" },
    body: bigBody,
  });
  await problem(res, 413);
});

Deno.test("another tenant's and another client's projects are refused exactly like unknown ones", async () => {
  const unknown = crypto.randomUUID();
  const forTenant = await problem(
    await post({
      points: [
        { project_id: shop.id, type: "x", value: 1 },
        { project_id: initech.id, type: "x", value: 1 },
        { project_id: unknown, type: "x", value: 1 },
      ],
    }, writer),
    422,
  );
  assertEquals(forTenant.errors, [
    { path: "points[1].project_id", message: "no such project in this organisation" },
    { path: "points[2].project_id", message: "no such project in this organisation" },
  ]);
  assertEquals(await stored(initech.id), 0);
  // carol (client of Acme) may only read metrics: 403 before anything else
  await problem(await post({ points: [{ project_id: shop.id, type: "x", value: 1 }] }, p.carol.bearer), 403);
  // a client role allowed to write metrics still only reaches its own client's projects
  await sql`INSERT INTO permissions (role_id, resource, action) SELECT role_id, 'metrics', 'write' FROM users WHERE id = ${p.carol.user.id}`;
  try {
    const res = await post({ points: [{ project_id: globexApp.id, type: "x", value: 1 }] }, p.carol.bearer);
    assertEquals((await problem(res, 422)).errors[0].path, "points[0].project_id");
    assertEquals(
      (await post({ points: [{ project_id: shop.id, type: "carol.x", value: 1 }] }, p.carol.bearer)).status,
      200,
    );
  } finally {
    await sql`DELETE FROM permissions WHERE resource = 'metrics' AND action = 'write' AND role_id = ${p.carol.user.role_id}`;
  }
});

Deno.test("Idempotency-Key: a retry replays the first answer and stores nothing new; another body is a 422", async () => {
  const body = { points: [{ project_id: shop.id, type: "idem.test", value: 1, recorded_at: "2026-01-02T00:00:00Z" }] };
  const first = await post(body, writer, "batch-1");
  assertEquals(first.status, 200);
  const audits = (await ingestAudits()).length;
  const retry = await post(body, writer, "batch-1");
  assertEquals(retry.status, 200);
  assertEquals(retry.headers.get("Idempotent-Replayed"), "true");
  assertEquals(await retry.json(), await first.json());
  assertEquals((await ingestAudits()).length, audits);
  const other = { points: [{ ...body.points[0], value: 2 }] };
  assertEquals((await problem(await post(other, writer, "batch-1"), 422)).errors[0].path, "Idempotency-Key");
  const [{ value }] = await sql<{ value: number }[]>`SELECT value FROM metric_snapshots WHERE type = 'idem.test'`;
  assertEquals(value, 1);
});

Deno.test("the same point again replaces its value (last write wins), also within one batch", async () => {
  const at = "2026-01-03T00:00:00Z";
  const point = { project_id: shop.id, type: "lww.test", recorded_at: at };
  assertEquals((await post({ points: [{ ...point, value: 1 }, { ...point, value: 2 }] }, writer)).status, 200);
  assertEquals((await post({ points: [{ ...point, value: 3 }] }, writer)).status, 200);
  const rows = await sql<{ value: number }[]>`SELECT value FROM metric_snapshots WHERE type = 'lww.test'`;
  assertEquals(rows.map((r) => r.value), [3]);
  // a stored point among new ones: the plain insert meets it, and the whole batch goes in again with ON CONFLICT
  const mixed = { points: [{ ...point, value: 4 }, { ...point, recorded_at: "2026-01-03T00:01:00Z", value: 5 }] };
  const res = await post(mixed, writer);
  assertEquals([res.status, (await res.json()).accepted], [200, 2]);
  const after = await sql<{ value: number }[]>`SELECT value FROM metric_snapshots WHERE type = 'lww.test' ORDER BY 1`;
  assertEquals(after.map((r) => r.value), [4, 5]);
});

Deno.test("a 10,000-point batch goes in through the API", async () => {
  const start = Date.parse("2026-02-01T00:00:00Z");
  const points = Array.from({ length: 10_000 }, (_, i) => ({
    project_id: i % 2 ? shop.id : globexApp.id,
    type: "big.batch",
    value: i,
    recorded_at: new Date(start + i * 1000).toISOString(),
  }));
  const t0 = performance.now();
  const res = await post({ points }, writer);
  const ms = performance.now() - t0;
  assertEquals(res.status, 200);
  assertEquals((await res.json()).accepted, 10_000);
  const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM metric_snapshots WHERE type = 'big.batch'`;
  assertEquals(n, 10_000);
  console.log(`10,000 points in ${ms.toFixed(0)} ms`);
});

Deno.test("without a key the caller gets 401 before any validation", async () => {
  const res = await app.request("/api/v1/metrics", jsonRequest("POST", { points: "nope" }));
  await problem(res, 401);
});

Deno.test("recorded_at keeps its milliseconds exactly", async () => {
  const at = "2026-01-04T05:06:07.891Z";
  assertEquals(
    (await post({ points: [{ project_id: shop.id, type: "ms.test", value: 1, recorded_at: at }] }, writer)).status,
    200,
  );
  const [row] = await sql<{ recorded_at: Date }[]>`SELECT recorded_at FROM metric_snapshots WHERE type = 'ms.test'`;
  assertEquals(row.recorded_at.toISOString(), at);
});

Deno.test("the cheap batch check accepts only what the schema accepts unchanged, and the usual batch", () => {
  const id = "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19";
  const point = { project_id: id, type: "cpu.load", value: 0.5, recorded_at: "2026-01-01T00:00:00Z" };
  const batch = (...points: unknown[]) => ({ points });
  const usual = [
    batch(point),
    batch({ project_id: id, type: "q", value: -3 }),
    batch({ ...point, project_id: id.toUpperCase(), recorded_at: "2026-01-01T00:00:00.123+02:00" }),
    batch(...Array.from({ length: 10_000 }, (_, i) => ({ ...point, value: i }))),
  ];
  for (const body of usual) assertEquals(plainlyValidBatch(body), true);
  const unusual: unknown[] = [
    null,
    [point],
    {},
    batch(),
    batch(...Array.from({ length: 10_001 }, () => point)),
    { ...batch(point), extra: 1 },
    batch({ ...point, tenant_id: id }),
    JSON.parse(`{"points":[{"project_id":"${id}","type":"x","value":1,"__proto__":{}}]}`),
    batch({ ...point, project_id: "not-a-uuid" }),
    batch({ ...point, project_id: "5f0c3a9e-2b1d-9c8e-9f7a-6d5e4c3b2a19" }),
    batch({ ...point, type: "Cpu" }),
    batch({ ...point, type: "x".repeat(101) }),
    batch({ ...point, value: null }),
    batch({ ...point, value: "1" }),
    batch({ ...point, recorded_at: "2026-01-01T00:00Z" }),
    batch({ ...point, recorded_at: "2026-02-30T00:00:00Z" }),
    batch({ ...point, recorded_at: "2026-01-01 00:00:00Z" }),
    batch({ ...point, recorded_at: null }),
  ];
  for (const body of [...usual, ...unusual]) {
    if (!plainlyValidBatch(body)) continue;
    const parsed = IngestSchema.safeParse(body);
    assertEquals(parsed.success, true, JSON.stringify(body).slice(0, 200));
    assertEquals(parsed.data, body);
  }
  // what it leaves to the schema is answered by the schema (here: refused, a time without seconds)
  assertEquals(plainlyValidBatch(unusual[14]), false);
  assertEquals(IngestSchema.safeParse(unusual[14]).success, false);
});
