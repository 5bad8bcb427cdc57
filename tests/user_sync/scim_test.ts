/**
 * A SCIM client, as Okta would script it, against the served app: create,
 * find by filter, patch, group membership → role, deprovision (session and
 * API key end at once); filter injection, unknown attributes and a bad token
 * answer RFC 7644 errors and change nothing.
 */
import { assert, assertEquals } from "@std/assert";
import { createKey } from "../helpers/api_keys.ts";
import { serveTestApp } from "../helpers/app.ts";
import { genPersonas, signIn } from "../helpers/fixtures.ts";
import { jsonRequest } from "../helpers/http.ts";

const served = await serveTestApp();
const sql = served.db.sql;
const p = await genPersonas(sql);
const issued = await served.app.request("/api/v1/user-sync/scim-token", jsonRequest("POST", {}, p.alice.bearer));
assertEquals(issued.status, 201);
const { token, scim_base_url } = await issued.json();
const base = `${served.url}${new URL(scim_base_url).pathname}`;

/** The client: JSON in, SCIM JSON out. */
async function scim(method: string, path: string, body?: unknown, bearer = token) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/scim+json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("Content-Type"), body: text ? JSON.parse(text) : null };
}

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const email = `ada-${crypto.randomUUID().slice(0, 6)}@example.com`;

Deno.test({
  name: "a SCIM client creates, finds, patches, groups and deprovisions a user",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const created = await scim("POST", "/Users", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: email,
      externalId: "00u1okta",
      name: { givenName: "Ada", familyName: "Lovelace" },
      emails: [{ value: email, primary: true }],
      active: true,
    });
    assertEquals(created.status, 201);
    assertEquals(created.type, "application/scim+json");
    const id = created.body.id;
    assertEquals([created.body.userName, created.body.displayName, created.body.active], [email, "Ada Lovelace", true]);

    const found = await scim("GET", `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`);
    assertEquals([found.status, found.body.totalResults, found.body.Resources[0].id], [200, 1, id]);
    const byExternal = await scim("GET", `/Users?filter=${encodeURIComponent('externalId eq "00u1okta"')}`);
    assertEquals(byExternal.body.Resources[0].id, id);

    const patched = await scim("PATCH", `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", path: "name.familyName", value: "King" }],
    });
    assertEquals([patched.status, patched.body.displayName], [200, "Ada King"]);

    const groups = await scim("GET", "/Groups");
    const admins = groups.body.Resources.find((g: { displayName: string }) => g.displayName === "admin");
    const joined = await scim("PATCH", `/Groups/${admins.id}`, {
      schemas: [PATCH],
      Operations: [{ op: "add", path: "members", value: [{ value: id }] }],
    });
    assert(joined.body.members.some((m: { value: string }) => m.value === id));
    const role = (await sql`SELECT r.name FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = ${id}`)[0];
    assertEquals(role.name, "admin");

    // Ada signs in and makes a key; deprovisioning ends both at once.
    const user = (await sql`SELECT * FROM users WHERE id = ${id}`)[0];
    const session = await signIn(sql, user as never);
    const key = await createKey(served.app, session.bearer, { name: "ada" });
    const off = await scim("PATCH", `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", value: { active: false } }],
    });
    assertEquals([off.status, off.body.active], [200, false]);
    assertEquals((await served.app.request("/api/v1/me", { headers: session.bearer })).status, 401);
    assertEquals(
      (await served.app.request("/api/v1/me", { headers: { Authorization: `Bearer ${key.key}` } })).status,
      401,
    );
    assertEquals((await scim("DELETE", `/Users/${id}`)).status, 204);
    assertEquals((await sql`SELECT status FROM users WHERE id = ${id}`)[0].status, "suspended");
    const audits = (await sql`SELECT action FROM audits WHERE resource_id = ${id} ORDER BY seq`).map((r) => r.action);
    assertEquals(audits.slice(0, 3), ["user.create", "user.update", "user.role_change"]);
    assert(audits.includes("user.suspend"));
  },
});

Deno.test({
  name: "filter injection, unknown attributes and paths are 400 per RFC 7644; a wrong token is 401",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const before = (await sql`SELECT count(*)::int AS n FROM users`)[0].n;
    for (const filter of [`userName eq "x" or 1 eq 1`, `userName eq "x\\" or \\"1\\"=\\"1"`, `password pr`]) {
      const res = await scim("GET", `/Users?filter=${encodeURIComponent(filter)}`);
      assertEquals([res.status, res.body.scimType, res.body.status], [400, "invalidFilter", "400"], filter);
      assertEquals(res.body.schemas, ["urn:ietf:params:scim:api:messages:2.0:Error"]);
    }
    const unknown = await scim("POST", "/Users", { userName: "eve@example.com", isRoot: true });
    assertEquals([unknown.status, unknown.body.scimType], [400, "invalidSyntax"]);
    const users = await scim("GET", "/Users");
    const someone = users.body.Resources[0].id;
    const badPath = await scim("PATCH", `/Users/${someone}`, {
      schemas: [PATCH],
      Operations: [{ op: "replace", path: "roles", value: "admin" }],
    });
    assertEquals([badPath.status, badPath.body.scimType], [400, "invalidPath"]);
    const wrong = await scim("GET", "/Users", undefined, "osc_" + "x".repeat(43));
    assertEquals(wrong.status, 401);
    const otherTenant = await scim("GET", `/Users/${p.dave.user.id}`);
    assertEquals(otherTenant.status, 404);
    assertEquals((await sql`SELECT count(*)::int AS n FROM users`)[0].n, before);
  },
});

Deno.test({
  name: "PUT replaces a user; groups are created, replaced and deleted as roles; discovery describes what is supported",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const mail = `grace-${crypto.randomUUID().slice(0, 6)}@example.com`;
    const made = await scim("POST", "/Users", { userName: mail, name: { givenName: "Grace", familyName: "Hopper" } });
    const id = made.body.id;
    // PUT: what is left out is cleared (the name) or defaults (active).
    const put = await scim("PUT", `/Users/${id}`, {
      schemas: [made.body.schemas[0]],
      userName: mail,
      displayName: "GH",
    });
    assertEquals([put.status, put.body.displayName, put.body.active], [200, "GH", true]);
    const putUnknown = await scim("PUT", `/Users/${id}`, { userName: mail, password: "x" });
    assertEquals([putUnknown.status, putUnknown.body.scimType], [400, "invalidSyntax"]);
    assertEquals((await sql`SELECT name FROM users WHERE id = ${id}`)[0].name, "GH");

    // A new group is a custom role without permissions, holding its members.
    const group = await scim("POST", "/Groups", { displayName: "Okta Ops", members: [{ value: id }] });
    assertEquals([group.status, group.body.displayName, group.body.members.length], [201, "Okta Ops", 1]);
    const perms = await sql`SELECT count(*)::int AS n FROM permissions WHERE role_id = ${group.body.id}`;
    assertEquals(perms[0].n, 0);
    assertEquals((await scim("POST", "/Groups", { displayName: "okta ops" })).body.scimType, "uniqueness");
    assertEquals((await scim("POST", "/Groups", { displayName: "" })).status, 400);
    // PUT with no members empties it (members back to employee); it may be renamed.
    const renamed = await scim("PUT", `/Groups/${group.body.id}`, { displayName: "Okta SRE", members: [] });
    assertEquals([renamed.status, renamed.body.displayName, renamed.body.members], [200, "Okta SRE", []]);
    const role = async () =>
      (await sql`SELECT r.name FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = ${id}`)[0].name;
    assertEquals(await role(), "employee");
    const builtin = (await scim("GET", "/Groups")).body.Resources.find((g: { displayName: string }) =>
      g.displayName === "admin"
    );
    const immutable = await scim("DELETE", `/Groups/${builtin.id}`);
    assertEquals([immutable.status, immutable.body.scimType], [400, "mutability"]);
    await scim("PATCH", `/Groups/${group.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: "add", path: "members", value: [{ value: id }] }],
    });
    assertEquals((await scim("DELETE", `/Groups/${group.body.id}`)).status, 204);
    assertEquals(await role(), "employee");
    assertEquals((await sql`SELECT count(*)::int AS n FROM roles WHERE id = ${group.body.id}`)[0].n, 0);

    const config = await scim("GET", "/ServiceProviderConfig");
    assertEquals([config.status, config.body.patch.supported, config.body.bulk.supported], [200, true, false]);
    const schemas = await scim("GET", "/Schemas");
    const user = schemas.body.Resources.find((r: { id: string }) => r.id.endsWith(":User"));
    const names = user.attributes.map((a: { name: string }) => a.name);
    assert(names.includes("userName") && !names.includes("phoneNumbers"), names.join());
    assertEquals((await scim("GET", `/Schemas/${user.id}`)).body.name, "User");
    const types = await scim("GET", "/ResourceTypes");
    assertEquals(types.body.Resources.map((r: { endpoint: string }) => r.endpoint), ["/Users", "/Groups"]);
    assertEquals((await scim("GET", "/ResourceTypes/Nope")).status, 404);
    assertEquals((await scim("GET", "/ServiceProviderConfig", undefined, "osc_" + "y".repeat(43))).status, 401);
  },
});

addEventListener("unload", () => served.stop());
