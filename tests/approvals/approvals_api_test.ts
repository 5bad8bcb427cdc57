/**
 * The approval engine over the API: filing, four-eyes, who may decide, expiry
 * (409, then expired for everyone), comments, policies, access requests, and
 * bad input storing nothing. The app's clock is the test's.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { expireDueApprovals } from "../../services/approvals/approvals.ts";

let clock = new Date("2026-11-23T10:00:00Z");
const { app, db, deps } = await createTestApp({ now: () => clock });
const sql = db.sql;
const p = await genPersonas(sql);

const post = (path: string, body: unknown, headers: Record<string, string>) =>
  app.request(path, jsonRequest("POST", body, headers));

async function file(headers: Record<string, string>, body: Record<string, unknown> = {}) {
  const res = await post("/api/v1/approvals", { title: "Rotate the database password", ...body }, headers);
  assertEquals(res.status, 201);
  return await res.json();
}

const rows = async (table: "approvals" | "audits" | "events", id: string) =>
  table === "approvals"
    ? (await sql`SELECT status FROM approvals WHERE id = ${id}`)[0]?.status
    : table === "audits"
    ? (await sql`SELECT action FROM audits WHERE resource_id = ${id} ORDER BY seq`).map((r) => r.action)
    : (await sql`SELECT type FROM events WHERE subject_id = ${id} ORDER BY created_at, type`).map((r) => r.type);

Deno.test("an employee's request goes to admins; an admin approves it with audit rows and events", async () => {
  const a = await file(p.bob.bearer, { priority: "high", details: { reason: "quarterly" } });
  assertEquals([a.status, a.type, a.priority, a.approver_role_name, a.requester_name], [
    "pending",
    "general",
    "high",
    "admin",
    "Bob",
  ]);
  assertEquals(Date.parse(a.expires_at) - clock.getTime(), 3 * 24 * 3600_000, "the general default: 3 days");

  const approved = await post(`/api/v1/approvals/${a.id}/approve`, { comment: "Go ahead" }, p.alice.bearer);
  assertEquals(approved.status, 200);
  const body = await approved.json();
  assertEquals([body.status, body.decided_by_name, body.decision_comment], ["approved", "Alice", "Go ahead"]);
  assertEquals(await rows("audits", a.id), ["approval.request", "approval.approve"]);
  assertEquals(await rows("events", a.id), ["approval.decided", "approval.requested"], "same instant: by type");

  const again = await problem(await post(`/api/v1/approvals/${a.id}/reject`, {}, p.alice.bearer), 409);
  assertStringIncludes(again.detail ?? again.title, "already approved");
});

Deno.test("four-eyes: the requester never decides their own request, not even an admin (403)", async () => {
  const a = await file(p.alice.bearer);
  const refused = await problem(await post(`/api/v1/approvals/${a.id}/approve`, {}, p.alice.bearer), 403);
  assertStringIncludes(JSON.stringify(refused), "someone else");
  assertEquals(await rows("approvals", a.id), "pending");
  assertEquals(await rows("audits", a.id), ["approval.request"]);
});

Deno.test("a decision wakes a waiting CI call by NOTIFY, with the fallback re-read a minute away", async () => {
  const pollMs = deps.config.approvalWaitPollMs;
  deps.config.approvalWaitPollMs = 60_000;
  try {
    const a = await file(p.bob.bearer);
    const wait = (seconds: number) =>
      app.request(`/api/v1/approvals/${a.id}/wait?timeout_seconds=${seconds}`, { headers: p.bob.bearer });
    const waiting = Promise.resolve(wait(30)).then(async (res) => ({
      status: res.status,
      body: await res.json(),
      at: Date.now(),
    }));
    // A second wait shares the listener and answers "pending" at its own timeout, not at the re-read a minute away;
    // by then the first one has read the row and sleeps.
    const started = Date.now();
    const short = await wait(1);
    assertEquals([short.status, (await short.json()).status], [200, "pending"]);
    assert(Date.now() - started < 20_000, "the timeout, not the minute's re-read, ended the short wait");
    const listening = await sql`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE query ILIKE 'listen%opsdeck_approvals%'`;
    assertEquals(listening[0].n, 1, "one LISTEN connection for both waits");

    const decidedAt = Date.now();
    assertEquals((await post(`/api/v1/approvals/${a.id}/approve`, {}, p.alice.bearer)).status, 200);
    const answer = await waiting;
    assertEquals([answer.status, answer.body.status, answer.body.decided_by_name], [200, "approved", "Alice"]);
    // Woken, not polled: the next re-read was a minute away (typically tens of ms here).
    assert(answer.at - decidedAt < 20_000, `the wait answered ${answer.at - decidedAt} ms after the decision`);
  } finally {
    deps.config.approvalWaitPollMs = pollMs;
  }
});

Deno.test("an employee cannot decide a request addressed to the admin role (403), a named approver can", async () => {
  const toAdmins = await file(p.alice.bearer);
  await problem(await post(`/api/v1/approvals/${toAdmins.id}/approve`, {}, p.bob.bearer), 403);
  const bobId = (await sql`SELECT id FROM users WHERE email LIKE 'bob-%' AND tenant_id = ${p.tenant.id}`)[0].id;
  const toBob = await file(p.alice.bearer, { approver_id: bobId });
  const res = await post(`/api/v1/approvals/${toBob.id}/reject`, { comment: "Not this week" }, p.bob.bearer);
  assertEquals(res.status, 200);
  assertEquals((await res.json()).status, "rejected");
});

Deno.test("approving an expired request is a 409 and leaves it expired, with its audit row", async () => {
  const a = await file(p.bob.bearer);
  clock = new Date(clock.getTime() + 3 * 24 * 3600_000 + 1000);
  try {
    const refused = await problem(await post(`/api/v1/approvals/${a.id}/approve`, {}, p.alice.bearer), 409);
    assertStringIncludes(JSON.stringify(refused), "expired");
    assertEquals(await rows("approvals", a.id), "expired");
    assertEquals(await rows("audits", a.id), ["approval.request", "approval.expire"]);
    const read = await (await app.request(`/api/v1/approvals/${a.id}`, { headers: p.bob.bearer })).json();
    assertEquals(read.status, "expired");
  } finally {
    clock = new Date("2026-11-23T10:00:00Z");
  }
});

Deno.test("the retention worker's sweep expires untouched requests past their expiry", async () => {
  const a = await file(p.bob.bearer);
  const later = new Date(clock.getTime() + 3 * 24 * 3600_000 + 1000);
  assertEquals(await expireDueApprovals(sql, new Date(clock.getTime() + 1000)), 0, "not yet");
  assert(await expireDueApprovals(sql, later) >= 1);
  assertEquals(await rows("approvals", a.id), "expired");
  assertEquals(await rows("audits", a.id), ["approval.request", "approval.expire"]);
});

Deno.test("comments, the inbox views, and clients and other tenants see nothing", async () => {
  const a = await file(p.bob.bearer);
  const c = await post(`/api/v1/approvals/${a.id}/comments`, { body: "Is the rollback tested?" }, p.alice.bearer);
  assertEquals(c.status, 201);
  assertEquals((await c.json()).map((x: { author_name: string }) => x.author_name), ["Alice"]);
  const detail = await (await app.request(`/api/v1/approvals/${a.id}`, { headers: p.bob.bearer })).json();
  assertEquals(detail.comments[0].body, "Is the rollback tested?");

  const toDecide = await (await app.request("/api/v1/approvals?view=to_decide&status=pending", {
    headers: p.alice.bearer,
  })).json();
  assert(toDecide.data.some((x: { id: string }) => x.id === a.id));
  const mine = await (await app.request("/api/v1/approvals?view=mine", { headers: p.alice.bearer })).json();
  assert(!mine.data.some((x: { id: string }) => x.id === a.id));

  await problem(await app.request("/api/v1/approvals", { headers: p.carol.bearer }), 404);
  await problem(await app.request(`/api/v1/approvals/${a.id}`, { headers: p.dave.bearer }), 404);
  await problem(await post(`/api/v1/approvals/${a.id}/approve`, {}, p.dave.bearer), 404);
});

Deno.test("bad input names the field and stores nothing", async () => {
  const before = (await sql`SELECT count(*)::int AS n FROM approvals`)[0].n;
  const unknown = await problem(await post("/api/v1/approvals", { title: "x", colour: "red" }, p.bob.bearer), 422);
  assertStringIncludes(JSON.stringify(unknown), "colour");
  const empty = await problem(await post("/api/v1/approvals", { title: "  " }, p.bob.bearer), 422);
  assertStringIncludes(JSON.stringify(empty), "title");
  const self = await problem(
    await post("/api/v1/approvals", { title: "x", approver_id: await bobId() }, p.bob.bearer),
    422,
  );
  assertStringIncludes(JSON.stringify(self), "approver_id");
  assertEquals((await sql`SELECT count(*)::int AS n FROM approvals`)[0].n, before);
});

async function bobId(): Promise<string> {
  return (await sql`SELECT id FROM users WHERE email LIKE 'bob-%' AND tenant_id = ${p.tenant.id}`)[0].id;
}

Deno.test("policies: an admin sets who approves and the expiry; an employee may not (403)", async () => {
  const employee = (await sql`SELECT id FROM roles WHERE tenant_id IS NULL AND name = 'employee'`)[0].id;
  const body = { type: "general", approver_role_id: employee, expires_after_minutes: 30 };
  await problem(await app.request("/api/v1/approval-policies", jsonRequest("PUT", body, p.bob.bearer)), 403);
  assertEquals((await app.request("/api/v1/approval-policies", jsonRequest("PUT", body, p.alice.bearer))).status, 200);
  const a = await file(p.alice.bearer);
  assertEquals([a.approver_role_name, Date.parse(a.expires_at) - clock.getTime()], ["employee", 30 * 60_000]);
  assertEquals((await post(`/api/v1/approvals/${a.id}/approve`, {}, p.bob.bearer)).status, 200);
  await app.request(
    "/api/v1/approval-policies",
    jsonRequest("PUT", { type: "general", approver_role_id: null, expires_after_minutes: 4320 }, p.alice.bearer),
  );
});

Deno.test("an access request, once approved, gives the role and ends the requester's sessions", async () => {
  const admin = (await sql`SELECT id FROM roles WHERE tenant_id IS NULL AND name = 'admin'`)[0].id;
  const res = await post("/api/v1/access-requests", { role_id: admin, reason: "On-call lead" }, p.bob.bearer);
  assertEquals(res.status, 201);
  const a = await res.json();
  assertEquals([a.type, a.details.role_name, a.details.current_role], ["access", "admin", "employee"]);
  assertEquals((await post(`/api/v1/approvals/${a.id}/approve`, {}, p.alice.bearer)).status, 200);
  const bob = (await sql`SELECT r.name FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = ${await bobId()}`)[0];
  assertEquals(bob.name, "admin");
  assertEquals((await app.request("/api/v1/me", { headers: p.bob.bearer })).status, 401, "bob's session ended");
  const audits = (await sql`SELECT action FROM audits WHERE resource_id = ${await bobId()}`).map((r) => r.action);
  assert(audits.includes("user.role_change"));
});
