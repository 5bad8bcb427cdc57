/** The approval workflow: who may decide, which transitions are legal, and one event per decision. */
import { assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { auditActions, call, created, eventsAbout } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);
const acmeShop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });

const file = (title = "Add SSO") =>
  created(app, "/api/v1/change-requests", p.carol.bearer, { project_id: acmeShop.id, title });
const act = (id: string, verb: string, headers: Record<string, string>, body?: unknown) =>
  call(app, "POST", `/api/v1/change-requests/${id}/${verb}`, headers, body);
const statusOf = async (id: string) =>
  (await sql`SELECT status FROM change_requests WHERE id = ${id}`)[0].status as string;

Deno.test("approve: records the approver, time and comment, one audit row and one decided event", async () => {
  const cr = await file();
  const res = await act(cr.id, "approve", p.alice.bearer, { comment: "  Go ahead  " });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  const body = await res.json();
  assertEquals([body.status, body.approver_id, body.approver_name], ["approved", p.alice.user.id, "Alice"]);
  assertEquals(body.decision_comment, "Go ahead");
  assertMatch(body.decided_at, /Z$/);
  assertEquals(body.resolved_at, null);
  assertEquals(await auditActions(sql, cr.id), ["change_request.create", "change_request.approve"]);
  const events = await eventsAbout(sql, cr.id);
  assertEquals(events.map((e) => e.type), ["change_request.created", "change_request.decided"]);
  assertEquals(events[1].payload.decision, "approved");
  assertEquals(events[1].payload.comment, "Go ahead");
  const [audit] =
    await sql`SELECT details FROM audits WHERE resource_id = ${cr.id} AND action = 'change_request.approve'`;
  assertEquals([audit.details.before.status, audit.details.after.status], ["pending", "approved"]);
});

Deno.test("reject without a body; an employee may decide too", async () => {
  const cr = await file();
  const res = await act(cr.id, "reject", p.bob.bearer);
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals([body.status, body.approver_id, body.decision_comment], ["rejected", p.bob.user.id, null]);
  const events = await eventsAbout(sql, cr.id);
  assertEquals(events.map((e) => [e.type, e.payload.decision]), [
    ["change_request.created", undefined],
    ["change_request.decided", "rejected"],
  ]);
});

Deno.test("complete: approved → completed sets resolved_at, audits, and emits no further event", async () => {
  const cr = await file();
  await act(cr.id, "approve", p.alice.bearer);
  const res = await act(cr.id, "complete", p.bob.bearer);
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.status, "completed");
  assertMatch(body.resolved_at, /Z$/);
  assertEquals(await auditActions(sql, cr.id), [
    "change_request.create",
    "change_request.approve",
    "change_request.complete",
  ]);
  assertEquals((await eventsAbout(sql, cr.id)).length, 2);
});

Deno.test("illegal transitions are a 409 naming the current status, and change nothing", async (t) => {
  const pending = await file("Pending one");
  const rejected = await file("Rejected one");
  await act(rejected.id, "reject", p.alice.bearer);
  const completed = await file("Completed one");
  await act(completed.id, "approve", p.alice.bearer);
  await act(completed.id, "complete", p.alice.bearer);
  const cases: [string, string, string, string][] = [
    ["completing a pending request", pending.id, "complete", "is pending: only an approved request can be completed"],
    ["approving a rejected request", rejected.id, "approve", "is rejected: only a pending request can be approved"],
    ["rejecting it again", rejected.id, "reject", "is already rejected"],
    ["approving a completed request", completed.id, "approve", "is completed: only a pending request can be approved"],
    ["rejecting a completed request", completed.id, "reject", "is completed: only a pending request can be rejected"],
    ["completing it again", completed.id, "complete", "is already completed"],
  ];
  for (const [name, id, verb, message] of cases) {
    await t.step(name, async () => {
      const before = await statusOf(id);
      const [events] = await sql`SELECT count(*)::int AS n FROM events WHERE subject_id = ${id}`;
      const res = await problem(await act(id, verb, p.alice.bearer), 409);
      assertStringIncludes(res.detail, message);
      assertEquals(await statusOf(id), before);
      assertEquals((await sql`SELECT count(*)::int AS n FROM events WHERE subject_id = ${id}`)[0].n, events.n);
    });
  }
  assertEquals(await auditActions(sql, completed.id), [
    "change_request.create",
    "change_request.approve",
    "change_request.complete",
  ]);
});

Deno.test("client users cannot decide (403 on their own client's, 404 on another's); other tenants get 404", async () => {
  const cr = await file();
  for (const verb of ["approve", "reject", "complete"]) {
    const res = await problem(await act(cr.id, verb, p.carol.bearer), 403);
    if (verb === "approve") assertStringIncludes(res.detail, "Client accounts can file change requests but not decide");
    await problem(await act(cr.id, verb, p.erin.bearer), 404);
    await problem(await act(cr.id, verb, p.dave.bearer), 404);
    await problem(await act(crypto.randomUUID(), verb, p.alice.bearer), 404);
  }
  await problem(await act(cr.id, "approve", {}), 401);
  assertEquals(await statusOf(cr.id), "pending");
  assertEquals(await auditActions(sql, cr.id), ["change_request.create"]);
});

Deno.test("a comment that is too long, or an unknown key, is a 422", async () => {
  const cr = await file();
  const long = await problem(await act(cr.id, "approve", p.alice.bearer, { comment: "x".repeat(5001) }), 422);
  assertEquals(long.errors[0].path, "comment");
  await problem(await act(cr.id, "approve", p.alice.bearer, { comment: "ok", approver_id: p.bob.user.id }), 422);
  assertEquals(await statusOf(cr.id), "pending");
});

Deno.test("two simultaneous decisions: one wins, the other is a 409, and there is exactly one decided event", async () => {
  const cr = await file();
  const answers = await Promise.all([
    act(cr.id, "approve", p.alice.bearer),
    act(cr.id, "reject", p.bob.bearer),
    act(cr.id, "approve", p.bob.bearer),
  ]);
  const statuses = answers.map((r) => r.status).sort();
  await Promise.all(answers.map((r) => r.body?.cancel()));
  assertEquals(statuses, [200, 409, 409]);
  const decided = (await eventsAbout(sql, cr.id)).filter((e) => e.type === "change_request.decided");
  assertEquals(decided.length, 1);
  const actions = await auditActions(sql, cr.id);
  assertEquals(actions.length, 2);
});
