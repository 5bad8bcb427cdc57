import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, GOOD_PASSWORD } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";

const { app, db } = await createTestApp();
const sql = db.sql;
const p = await genPersonas(sql);

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, jsonRequest("POST", body, headers));

async function invited(role = "employee") {
  const email = `invitee-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const res = await post("/api/v1/users", { email, role }, p.alice.bearer);
  assertEquals(res.status, 201);
  const body = await res.json();
  return { id: body.id as string, email, token: new URL(body.invite_url).searchParams.get("token")! };
}

const accept = (body: unknown) => post("/api/v1/invitations/accept", body);

Deno.test("POST /api/v1/invitations/accept activates the user, sets the password, records invitation.accept", async () => {
  const inv = await invited();
  const res = await accept({ token: inv.token, password: GOOD_PASSWORD, name: "Grace Hopper" });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("Content-Type"), "application/json");
  assertEquals(await res.json(), { id: inv.id, email: inv.email });
  const [user] = await sql`SELECT status, name, password_hash FROM users WHERE id = ${inv.id}`;
  assertEquals(user.status, "active");
  assertEquals(user.name, "Grace Hopper");
  assert(user.password_hash.startsWith("scrypt$"));
  const [invitation] = await sql`SELECT accepted_at FROM invitations WHERE user_id = ${inv.id}`;
  assert(invitation.accepted_at instanceof Date);
  const audits = await sql`SELECT action, actor_label, details FROM audits
    WHERE resource_id = ${inv.id} AND action = 'invitation.accept'`;
  assertEquals(audits.length, 1);
  assertEquals(audits[0].actor_label, inv.email);
  assertEquals(audits[0].details.after.status, "active");
  const login = await post("/api/v1/sessions", { email: inv.email, password: GOOD_PASSWORD });
  assertEquals(login.status, 201, "the new password signs in");
});

Deno.test("POST /api/v1/invitations/accept: a reused link is 410 and changes nothing", async () => {
  const inv = await invited();
  assertEquals((await accept({ token: inv.token, password: GOOD_PASSWORD })).status, 200);
  const again = await problem(await accept({ token: inv.token, password: "another-long-phrase-of-words-9" }), 410);
  assertStringIncludes(again.detail, "already been used");
  const login = await post("/api/v1/sessions", { email: inv.email, password: GOOD_PASSWORD });
  assertEquals(login.status, 201, "the first password still stands");
});

Deno.test("POST /api/v1/invitations/accept: an expired link is 410 and the user stays invited", async () => {
  const inv = await invited();
  await sql`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE user_id = ${inv.id}`;
  const res = await problem(await accept({ token: inv.token, password: GOOD_PASSWORD }), 410);
  assertStringIncludes(res.detail, "expired");
  const [user] = await sql`SELECT status, password_hash FROM users WHERE id = ${inv.id}`;
  assertEquals([user.status, user.password_hash], ["invited", null]);
});

Deno.test("POST /api/v1/invitations/accept: a suspended invitee's link is withdrawn (410)", async () => {
  const inv = await invited();
  assertEquals(
    (await app.request(`/api/v1/users/${inv.id}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json", ...p.alice.bearer },
      body: JSON.stringify({ status: "suspended" }),
    })).status,
    200,
  );
  const res = await problem(await accept({ token: inv.token, password: GOOD_PASSWORD }), 410);
  assertStringIncludes(res.detail, "withdrawn");
});

Deno.test("POST /api/v1/invitations/accept: an unknown token is 404", async () => {
  const res = await problem(await accept({ token: "A".repeat(43), password: GOOD_PASSWORD }), 404);
  assertStringIncludes(res.detail, "not valid");
});

Deno.test("POST /api/v1/invitations/accept refuses weak, short, long and missing passwords with 422 naming password", async (t) => {
  const inv = await invited();
  for (
    const [name, password] of [
      ["common", "password1234"],
      ["short", "a1b2c3"],
      ["the e-mail itself", inv.email],
      ["longer than 128", "correct-horse-".repeat(10)],
      ["empty", ""],
    ]
  ) {
    await t.step(name, async () => {
      const res = await problem(await accept({ token: inv.token, password }), 422);
      assertEquals(res.errors[0].path, "password");
    });
  }
  await t.step("oversized (over 1024) is refused before hashing", async () => {
    const started = performance.now();
    await problem(await accept({ token: inv.token, password: "x".repeat(5000) }), 422);
    assert(performance.now() - started < 200);
  });
  await t.step("missing token, unknown keys", async () => {
    assertEquals((await problem(await accept({ password: GOOD_PASSWORD }), 422)).errors[0].path, "token");
    await problem(await accept({ token: inv.token, password: GOOD_PASSWORD, role: "admin" }), 422);
  });
  const [user] = await sql`SELECT status FROM users WHERE id = ${inv.id}`;
  assertEquals(user.status, "invited", "nothing stored");
});

Deno.test("two concurrent accepts of one link: exactly one wins", async () => {
  const inv = await invited();
  const results = await Promise.all([
    accept({ token: inv.token, password: GOOD_PASSWORD }),
    accept({ token: inv.token, password: "second-racer-phrase-of-words-7" }),
  ]);
  const statuses = results.map((r) => r.status).sort();
  await Promise.all(results.map((r) => r.body?.cancel()));
  assertEquals(statuses, [200, 410]);
  const audits = await sql`SELECT 1 FROM audits WHERE resource_id = ${inv.id} AND action = 'invitation.accept'`;
  assertEquals(audits.length, 1);
});
