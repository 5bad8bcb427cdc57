import { assert, assertEquals, assertExists, assertStringIncludes } from "@std/assert";
import { createApp } from "../../routes/app.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { createKeyring } from "../../services/platform/secrets/crypto.ts";
import { identityTokenAad } from "../../services/platform/secrets/fields.ts";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { startOidcProvider } from "../helpers/oidc_provider.ts";
import { genInvitedUser, roundTrip, startFlow } from "./flow.ts";

const provider = await startOidcProvider();
const env = { OPSDECK_SECRET: TEST_SECRET, ...provider.env };
const { app, db, deps, logs } = await createTestApp({ config: loadConfig(env) });
const sql = db.sql;
const p = await genPersonas(sql);
/** The same database, with just-in-time sign-up into "employee" for example.com addresses. */
const jitApp = createApp({
  ...deps,
  config: loadConfig({
    ...env,
    OIDC_DEFAULT_ROLE: "employee",
    OIDC_TENANT: p.tenant.slug,
    OIDC_ALLOWED_DOMAINS: "example.com",
  }),
});

const counts = async () => {
  const [row] = await sql<{ users: number; identities: number; sessions: number }[]>`
    SELECT (SELECT count(*)::int FROM users) AS users,
           (SELECT count(*)::int FROM external_identities) AS identities,
           (SELECT count(*)::int FROM sessions) AS sessions`;
  return row;
};

const me = (session: string) => app.request("/api/v1/me", { headers: { Cookie: session } });

Deno.test("GET /auth/oidc/start redirects to the provider with code flow, PKCE S256, state and nonce in a 10-minute HttpOnly cookie", async () => {
  const { start, flowCookie, authorizeUrl } = await startFlow(app, { path: "/auth/oidc/start?next=/audits" });
  assertEquals(authorizeUrl.origin + authorizeUrl.pathname, `${provider.issuer}/authorize`);
  const q = authorizeUrl.searchParams;
  assertEquals(q.get("response_type"), "code");
  assertEquals(q.get("client_id"), provider.clientId);
  assertEquals(q.get("redirect_uri"), "http://localhost/auth/oidc/callback");
  assertEquals(q.get("scope"), "openid email profile");
  assertEquals(q.get("code_challenge_method"), "S256");
  assertEquals(q.get("code_challenge")!.length, 43);
  assert(q.get("state")!.length >= 43 && q.get("nonce")!.length >= 43);
  const cookie = start.headers.getSetCookie().find((c) => c.startsWith("opsdeck_oidc="))!;
  assertStringIncludes(cookie, "HttpOnly");
  assertStringIncludes(cookie, "SameSite=Lax");
  assertStringIncludes(cookie, "Max-Age=600");
  for (const secret of [q.get("state")!, q.get("nonce")!, "/audits"]) {
    assert(!flowCookie.includes(secret), "the flow cookie is encrypted, not merely signed");
  }
});

Deno.test("an invited user signs in with SSO: identity linked, invitation accepted, tokens encrypted; the next sign-in finds the same identity", async () => {
  const email = `ivy-${crypto.randomUUID().slice(0, 6)}@example.com`;
  const { user, invitationId } = await genInvitedUser(sql, p.tenant.id, email);
  const person = { sub: `ivy-${user.id}`, email: email.toUpperCase(), email_verified: true, name: "Ivy Invited" };

  const first = await roundTrip(app, provider, person, { startPath: "/auth/oidc/start?next=/audits" });
  assertEquals(first.response.status, 303);
  assertEquals(first.response.headers.get("Location"), "/audits");
  assertExists(first.session);
  assertEquals((await (await me(first.session)).json()).email, email);
  assertEquals(provider.tokenRequests.at(-1), { auth: "client_secret_basic", ok: true });

  const [u] = await sql`SELECT status, password_hash FROM users WHERE id = ${user.id}`;
  assertEquals(u.status, "active");
  assertEquals(u.password_hash, null);
  const [inv] = await sql`SELECT accepted_at FROM invitations WHERE id = ${invitationId}`;
  assertExists(inv.accepted_at);
  const identities = await sql`
    SELECT id, provider, issuer, subject, email, access_token_ciphertext, refresh_token_ciphertext, key_id, scopes
    FROM external_identities WHERE user_id = ${user.id}`;
  assertEquals(identities.length, 1);
  const identity = identities[0];
  assertEquals([identity.provider, identity.issuer, identity.subject, identity.email], [
    "oidc",
    provider.issuer,
    person.sub,
    email,
  ]);
  assertEquals(identity.scopes, ["openid", "email", "profile"]);
  const keys = await createKeyring({ current: TEST_SECRET }, "external_identity_tokens");
  assertEquals(identity.key_id, keys.currentKeyId);
  assert(!new TextDecoder().decode(identity.access_token_ciphertext).includes("access-"), "stored encrypted");
  const access = await keys.decrypt(
    { ciphertext: new Uint8Array(identity.access_token_ciphertext), keyId: identity.key_id },
    identityTokenAad(identity.id, "access_token"),
  );
  assert(access.startsWith("access-"));

  const audits = await sql`SELECT action, details, actor_label FROM audits
    WHERE tenant_id = ${p.tenant.id} AND actor_label = ${email} ORDER BY seq`;
  assertEquals(audits.map((a) => a.action), ["invitation.accept", "session.login"]);
  assertEquals(audits[1].details.via, "oidc");

  const second = await roundTrip(app, provider, { ...person, email: "ivy.renamed@example.org" });
  assertEquals(second.response.status, 303);
  assertExists(second.session);
  assertEquals((await (await me(second.session)).json()).email, email);
  const after = await sql`SELECT id, email, key_id FROM external_identities WHERE user_id = ${user.id}`;
  assertEquals(after.map((r) => r.id), [identity.id]);
  assertEquals(after[0].email, "ivy.renamed@example.org");
  const [latest] = await sql`SELECT action FROM audits WHERE tenant_id = ${p.tenant.id} AND actor_label = ${email}
    AND action = 'identity.update'`;
  assertExists(latest);
});

Deno.test("just-in-time sign-up creates an active user in OIDC_DEFAULT_ROLE, without a password", async () => {
  const email = `jit-${crypto.randomUUID().slice(0, 6)}@example.com`;
  const trip = await roundTrip(jitApp, provider, { sub: `jit-${email}`, email, email_verified: true, name: "Jo Jit" });
  assertEquals(trip.response.status, 303);
  assertExists(trip.session);
  const who = await (await me(trip.session)).json();
  assertEquals([who.email, who.role], [email, "employee"]);
  const [u] = await sql`SELECT tenant_id, status, name, password_hash FROM users WHERE email = ${email}`;
  assertEquals([u.tenant_id, u.status, u.name, u.password_hash], [p.tenant.id, "active", "Jo Jit", null]);
  const [created] = await sql`SELECT details FROM audits WHERE action = 'user.create' AND actor_label = ${email}`;
  assertEquals(created.details.via, "oidc");
  assertEquals(created.details.after.role, "employee");
});

Deno.test("just-in-time sign-up refuses addresses outside OIDC_ALLOWED_DOMAINS and unverified addresses", async (t) => {
  for (
    const [name, person] of [
      ["other domain", { sub: "outsider", email: "mallory@evil.example", email_verified: true }],
      ["unverified", { sub: "unverified", email: "unverified@example.com", email_verified: false }],
      ["no e-mail", { sub: "no-email" }],
    ] as const
  ) {
    await t.step(name, async () => {
      const before = await counts();
      const trip = await roundTrip(jitApp, provider, person);
      assertEquals(trip.response.status, 403);
      assertEquals(trip.session, undefined);
      assertEquals(await counts(), before);
    });
  }
});

Deno.test("an existing account is never linked by e-mail alone, even with just-in-time sign-up on", async () => {
  for (const target of [app, jitApp]) {
    const before = await counts();
    const trip = await roundTrip(target, provider, {
      sub: `imposter-${crypto.randomUUID()}`,
      email: p.bob.user.email,
      email_verified: true,
    });
    assertEquals(trip.response.status, 403);
    assertEquals(trip.response.headers.get("Content-Type"), "text/html; charset=UTF-8");
    const page = await trip.response.text();
    assertStringIncludes(page, "never linked to an account by e-mail alone");
    assertStringIncludes(page, "Sign in with your password");
    assertStringIncludes(page, 'href="/auth/oidc/start"');
    assertEquals(trip.session, undefined);
    assertEquals(await counts(), before);
  }
  const refused = await sql`SELECT details FROM audits WHERE action = 'session.login_failed'
    AND resource_id = ${p.bob.user.id}`;
  assertEquals(refused.map((r) => r.details), [{ via: "oidc", reason: "oidc_not_linked" }, {
    via: "oidc",
    reason: "oidc_not_linked",
  }]);
});

Deno.test("without a default role, an unknown address is refused and told to ask for an invitation", async () => {
  const before = await counts();
  const trip = await roundTrip(app, provider, { sub: "stranger", email: "stranger@example.com", email_verified: true });
  assertEquals(trip.response.status, 403);
  assertStringIncludes(await trip.response.text(), "Ask an admin to invite you");
  assertEquals(await counts(), before);
});

Deno.test("an invitation is only accepted while open and for a verified address", async (t) => {
  await t.step("expired invitation", async () => {
    const email = `late-${crypto.randomUUID().slice(0, 6)}@example.com`;
    const { user } = await genInvitedUser(sql, p.tenant.id, email, { expired: true });
    const trip = await roundTrip(app, provider, { sub: `late-${email}`, email, email_verified: true });
    assertEquals(trip.response.status, 403);
    assertStringIncludes(await trip.response.text(), "invitation has expired");
    const [u] = await sql`SELECT status FROM users WHERE id = ${user.id}`;
    assertEquals(u.status, "invited");
  });
  await t.step("address not verified by the provider", async () => {
    const email = `unsure-${crypto.randomUUID().slice(0, 6)}@example.com`;
    const { user } = await genInvitedUser(sql, p.tenant.id, email);
    const trip = await roundTrip(app, provider, { sub: `unsure-${email}`, email, email_verified: "false" });
    assertEquals(trip.response.status, 403);
    const [u] = await sql`SELECT status FROM users WHERE id = ${user.id}`;
    assertEquals(u.status, "invited");
    assertEquals((await sql`SELECT 1 FROM external_identities WHERE user_id = ${user.id}`).length, 0);
  });
});

Deno.test("bad ID tokens are refused: no session, no user, no identity", async (t) => {
  // Each fault and what the log says about it: refused for the right reason, not by accident.
  const faults = [
    ["wrong_issuer", 'ERR_JWT_CLAIM_VALIDATION_FAILED: unexpected "iss"'],
    ["wrong_audience", 'ERR_JWT_CLAIM_VALIDATION_FAILED: unexpected "aud"'],
    ["expired", "ERR_JWT_EXPIRED"],
    ["nonce_mismatch", "nonce does not match"],
    ["alg_none", "ERR_JOSE_ALG_NOT_ALLOWED"],
    ["hs256_public_key", "ERR_JOSE_ALG_NOT_ALLOWED"],
    ["unknown_key", "ERR_JWKS_NO_MATCHING_KEY"],
    ["unknown_key_same_kid", "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"],
  ] as const;
  for (const [fault, why] of faults) {
    await t.step(fault, async () => {
      // Through the just-in-time app: a valid token for this address WOULD create a user.
      const email = `bad-${fault.replaceAll("_", "-")}@example.com`;
      const before = await counts();
      const trip = await roundTrip(jitApp, provider, { sub: `bad-${fault}`, email, email_verified: true }, { fault });
      assertEquals(trip.response.status, 401);
      assertStringIncludes(await trip.response.text(), "could not be verified");
      assertEquals(trip.session, undefined);
      assertEquals(await counts(), before);
      const logged = logs.findLast((l) => l.msg === "oidc sign-in refused")!;
      assertEquals(logged.reason, "id_token_invalid");
      assertStringIncludes(String(logged.detail), why);
    });
  }
});

Deno.test("an ID token within the 60-second clock tolerance is accepted", async () => {
  const email = `skew-${crypto.randomUUID().slice(0, 6)}@example.com`;
  const trip = await roundTrip(jitApp, provider, { sub: `skew-${email}`, email, email_verified: true }, {
    expiresIn: -30,
  });
  assertEquals(trip.response.status, 303);
  assertExists(trip.session);
});

Deno.test("the callback refuses a mismatched state, a missing flow cookie and a provider error", async (t) => {
  for (
    const [name, options, status] of [
      ["state mismatch", { state: "forged-state" }, 400],
      ["no flow cookie", { flowCookie: "" }, 400],
      ["forged flow cookie", { flowCookie: "0badc0de.AAAA" }, 400],
      ["provider error", { error: "access_denied" }, 401],
    ] as const
  ) {
    await t.step(name, async () => {
      const email = `cb-${crypto.randomUUID().slice(0, 6)}@example.com`;
      const before = await counts();
      const trip = await roundTrip(jitApp, provider, { sub: email, email, email_verified: true }, options);
      assertEquals(trip.response.status, status);
      assertEquals(trip.session, undefined);
      assertEquals(await counts(), before);
    });
  }
});

Deno.test("a flow cookie cannot be replayed: the callback clears it", async () => {
  const email = `once-${crypto.randomUUID().slice(0, 6)}@example.com`;
  const trip = await roundTrip(jitApp, provider, { sub: email, email, email_verified: true });
  assertEquals(trip.response.status, 303);
  const cleared = trip.response.headers.getSetCookie().find((c) => c.startsWith("opsdeck_oidc="))!;
  assertStringIncludes(cleared, "Max-Age=0");
});

Deno.test("a suspended user linked to SSO cannot sign in with it", async () => {
  const email = `sue-${crypto.randomUUID().slice(0, 6)}@example.com`;
  const first = await roundTrip(jitApp, provider, { sub: `sue-${email}`, email, email_verified: true });
  assertEquals(first.response.status, 303);
  await sql`UPDATE users SET status = 'suspended' WHERE email = ${email}`;
  const before = await counts();
  const again = await roundTrip(jitApp, provider, { sub: `sue-${email}`, email, email_verified: true });
  assertEquals(again.response.status, 403);
  assertEquals(again.session, undefined);
  assertEquals(await counts(), before);
});

Deno.test("a signed-in user links SSO from a CSRF-protected form, then signs in with it; a linked account cannot be taken over", async () => {
  const sub = `bob-at-idp-${crypto.randomUUID()}`;
  const form = (headers: Record<string, string>) => ({
    method: "POST",
    headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
    body: "next=/profile",
  });
  const { "X-CSRF-Token": _, ...withoutToken } = p.bob.cookie;
  assertEquals((await app.request("/auth/oidc/link", form(withoutToken))).status, 403);

  const link = await roundTrip(app, provider, { sub, email: "bob@idp.example" }, {
    startPath: "/auth/oidc/link",
    startInit: form(p.bob.cookie),
    cookie: p.bob.cookie.Cookie,
  });
  assertEquals(link.response.status, 303);
  assertEquals(link.response.headers.get("Location"), "/profile");
  const [linked] = await sql`SELECT user_id FROM external_identities WHERE subject = ${sub}`;
  assertEquals(linked.user_id, p.bob.user.id);
  const [audit] =
    await sql`SELECT details FROM audits WHERE action = 'identity.link' AND actor_user_id = ${p.bob.user.id}`;
  assertEquals(audit.details.subject, sub);

  const signIn = await roundTrip(app, provider, { sub });
  assertEquals(signIn.response.status, 303);
  assertEquals((await (await me(signIn.session!)).json()).email, p.bob.user.email);

  const takeover = await roundTrip(app, provider, { sub }, {
    startPath: "/auth/oidc/link",
    startInit: form(p.alice.cookie),
    cookie: p.alice.cookie.Cookie,
  });
  assertEquals(takeover.response.status, 409);
  const owners = await sql`SELECT user_id FROM external_identities WHERE subject = ${sub}`;
  assertEquals(owners.map((r) => r.user_id), [p.bob.user.id]);
});

Deno.test("client_secret_post is used when the provider only accepts that", async () => {
  const postOnly = await startOidcProvider({ authMethods: ["client_secret_post"] });
  try {
    const { app: postApp, db: postDb } = await createTestApp({
      config: loadConfig({
        OPSDECK_SECRET: TEST_SECRET,
        ...postOnly.env,
        OIDC_DEFAULT_ROLE: "employee",
        OIDC_TENANT: "acme",
      }),
    });
    await postDb.sql`INSERT INTO tenants (name, slug) VALUES ('Acme', 'acme')`;
    const trip = await roundTrip(postApp, postOnly, { sub: "p1", email: "post@example.com", email_verified: true });
    assertEquals(trip.response.status, 303);
    assertEquals(postOnly.tokenRequests, [{ auth: "client_secret_post", ok: true }]);
    await postDb.sql.end();
  } finally {
    await postOnly.stop();
  }
});

Deno.test("the discovery document and the JWKS are fetched once and then served from the cache", async () => {
  const { hits } = provider;
  const before = { ...hits };
  const email = `cache-${crypto.randomUUID().slice(0, 6)}@example.com`;
  await roundTrip(jitApp, provider, { sub: email, email, email_verified: true });
  await roundTrip(jitApp, provider, { sub: email, email, email_verified: true });
  assertEquals(hits["/.well-known/openid-configuration"], before["/.well-known/openid-configuration"]);
  assertEquals(hits["/jwks"], before["/jwks"]);
  assertEquals(hits["/token"], before["/token"] + 2);
  // Two apps use this provider (app and jitApp): one discovery each over all the sign-ins of this module.
  assertEquals(hits["/.well-known/openid-configuration"], 2);
});

Deno.test("single sign-on routes answer 404 when OIDC is not configured", async () => {
  const { app: plain, db: plainDb } = await createTestApp();
  for (const path of ["/auth/oidc/start", "/auth/oidc/callback?code=x&state=y"]) {
    assertEquals((await plain.request(path)).status, 404);
  }
  await plainDb.sql.end();
});

Deno.test("an open redirect through ?next is not possible", async () => {
  const { authorizeUrl, flowCookie } = await startFlow(jitApp, { path: "/auth/oidc/start?next=//evil.example/x" });
  assert(authorizeUrl.searchParams.get("state"));
  const email = `nx-${crypto.randomUUID().slice(0, 6)}@example.com`;
  provider.nextSignIn({ sub: email, email, email_verified: true });
  const back = new URL((await fetch(authorizeUrl, { redirect: "manual" })).headers.get("Location")!);
  const res = await jitApp.request(back.pathname + back.search, { headers: { Cookie: `opsdeck_oidc=${flowCookie}` } });
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("Location"), "/");
});
