/**
 * Change requests on the approval engine: filing one opens a `change_request`
 * approval; four-eyes and expiry apply to the change-request API; deciding the
 * approval in the inbox moves the change request; completing completes both.
 * The app's clock is the test's.
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genProject } from "../helpers/catalog.ts";
import { auditActions, call, created, eventsAbout } from "../helpers/change_requests.ts";
import { genPersonas } from "../helpers/fixtures.ts";
import { problem } from "../helpers/http.ts";

const clock = new Date("2026-11-23T10:00:00Z");
const { app, db } = await createTestApp({ now: () => clock });
const sql = db.sql;
const p = await genPersonas(sql);
const shop = await genProject(sql, p.tenant.id, p.clients.acme.id, { name: "Acme shop" });

const file = (headers: Record<string, string>, title = "Add SSO") =>
  created(app, "/api/v1/change-requests", headers, { project_id: shop.id, title });
const approvalOf = async (crId: string) =>
  (await sql`SELECT id, type, status, requester_id, decided_by, expires_at FROM approvals
             WHERE change_request_id = ${crId}`)[0];
const crStatus = async (id: string) =>
  (await sql`SELECT status, approver_id, decision_comment FROM change_requests WHERE id = ${id}`)[0];

Deno.test("filing opens a pending change_request approval for staff, with approval.requested", async () => {
  const cr = await file(p.carol.bearer);
  const a = await approvalOf(cr.id);
  assertEquals([a.type, a.status, a.requester_id], ["change_request", "pending", p.carol.user.id]);
  assertEquals(a.expires_at.getTime() - clock.getTime(), 30 * 24 * 3600_000);
  assertEquals((await eventsAbout(sql, a.id)).map((e) => e.type), ["approval.requested"]);
  const inbox = await (await call(app, "GET", "/api/v1/approvals?view=to_decide&type=change_request", p.bob.bearer))
    .json();
  assertEquals(inbox.data.map((i: { change_request_id: string }) => i.change_request_id).includes(cr.id), true);
  // An edit while pending carries over to the approval.
  await call(app, "PATCH", `/api/v1/change-requests/${cr.id}`, p.carol.bearer, { title: "Add SSO (Okta)" });
  assertEquals((await sql`SELECT title FROM approvals WHERE id = ${a.id}`)[0].title, "Add SSO (Okta)");
});

Deno.test("four-eyes: staff who filed a change request cannot approve it (403, nothing changes)", async () => {
  const cr = await file(p.bob.bearer);
  const res = await problem(await call(app, "POST", `/api/v1/change-requests/${cr.id}/approve`, p.bob.bearer), 403);
  assertStringIncludes(res.detail, "someone else must approve");
  assertEquals((await crStatus(cr.id)).status, "pending");
  assertEquals((await approvalOf(cr.id)).status, "pending");
  assertEquals(await auditActions(sql, cr.id), ["change_request.create"]);
});

Deno.test("approving in the approvals inbox approves the change request, with both audit rows and events", async () => {
  const cr = await file(p.carol.bearer);
  const a = await approvalOf(cr.id);
  const res = await call(app, "POST", `/api/v1/approvals/${a.id}/approve`, p.alice.bearer, { comment: "Go" });
  assertEquals(res.status, 200);
  assertEquals(await crStatus(cr.id), { status: "approved", approver_id: p.alice.user.id, decision_comment: "Go" });
  assertEquals(await auditActions(sql, cr.id), ["change_request.create", "change_request.approve"]);
  assertEquals(await auditActions(sql, a.id), ["approval.request", "approval.approve"]);
  // The app's clock stands still here, so both events carry the same time and no order between them.
  assertEquals((await eventsAbout(sql, cr.id)).map((e) => e.type).sort(), [
    "change_request.created",
    "change_request.decided",
  ]);
  // Completing through the change-request API completes the approval too.
  assertEquals((await call(app, "POST", `/api/v1/change-requests/${cr.id}/complete`, p.bob.bearer)).status, 200);
  assertEquals((await approvalOf(cr.id)).status, "completed");
});

Deno.test("expiry: deciding after the approval ran out is a 409; the change request is rejected as expired", async () => {
  const cr = await file(p.carol.bearer);
  await sql`UPDATE approvals SET expires_at = ${new Date(clock.getTime() - 60_000)} WHERE change_request_id = ${cr.id}`;
  const res = await problem(await call(app, "POST", `/api/v1/change-requests/${cr.id}/approve`, p.alice.bearer), 409);
  assertStringIncludes(res.detail, "expired");
  assertEquals((await approvalOf(cr.id)).status, "expired");
  const after = await crStatus(cr.id);
  assertEquals([after.status, after.approver_id], ["rejected", null]);
  assertStringIncludes(after.decision_comment, "Expired");
  assertEquals(await auditActions(sql, cr.id), ["change_request.create", "change_request.expire"]);
});

Deno.test("migration 00160 gives existing change requests their approval (run again inside a rolled-back transaction)", async () => {
  const pending = await file(p.carol.bearer, "Old pending");
  const decided = await file(p.carol.bearer, "Old decided");
  await call(app, "POST", `/api/v1/change-requests/${decided.id}/reject`, p.bob.bearer, { comment: "No" });
  const selfDecided = await file(p.bob.bearer, "Decided by its requester before four-eyes");
  const migration = await Deno.readTextFile(
    new URL("../../db/migrations/00160_change_request_approvals.sql", import.meta.url),
  );
  const insert = migration.slice(migration.indexOf("INSERT INTO approvals"));
  const rolledBack: Error & { rows?: Record<string, unknown>[] } = new Error("roll back");
  const seen = await sql.begin(async (tx) => {
    await tx`UPDATE change_requests SET status = 'approved', approver_id = requested_by, decided_at = now()
             WHERE id = ${selfDecided.id}`;
    await tx`DELETE FROM approvals WHERE type = 'change_request'`;
    await tx.unsafe(insert);
    const rows = await tx`SELECT change_request_id, status, decided_by, decision_comment FROM approvals
                          WHERE change_request_id IN ${tx([pending.id, decided.id, selfDecided.id])}`;
    throw Object.assign(rolledBack, { rows: [...rows] });
  }).catch((e) => e === rolledBack ? rolledBack.rows! : Promise.reject(e));
  const by = new Map(seen.map((r) => [r.change_request_id, r]));
  assertEquals(by.get(pending.id)?.status, "pending");
  assertEquals([by.get(decided.id)?.status, by.get(decided.id)?.decided_by], ["rejected", p.bob.user.id]);
  assertEquals(by.has(selfDecided.id), false, "a self-decided request keeps its decision on the change request only");
  assertEquals((await approvalOf(pending.id)).status, "pending", "the real rows are untouched");
});
