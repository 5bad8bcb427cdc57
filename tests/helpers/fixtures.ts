/**
 * Personas and factories for tests (the Healthchecks alice/bob/charlie idea):
 * in one tenant, alice is admin, bob is employee, carol is a client user of
 * Acme; in another tenant, dave is admin. Users get sessions directly, so only
 * the tests about passwords pay for password hashing.
 */
import type { Sql } from "../../db/client.ts";
import { insertTenant } from "../../db/queries/tenants.ts";
import { builtinRoleId, insertUser, type UserRow } from "../../db/queries/users.ts";
import { withTenant } from "../../db/tenant.ts";
import { hashPassword } from "../../services/auth/passwords.ts";
import { openSession } from "../../services/auth/sessions.ts";
import { csrfTokenFor } from "../../routes/middleware/csrf.ts";

export const TEST_SECRET = "test-secret-test-secret-test-secret-0000";
export const GOOD_PASSWORD = "violet-anchor-drifts-42-quietly";

/**
 * `deno task test` hashes GOOD_PASSWORD once per run, with the real hasher and
 * its real parameters, and hands the hash to every test module by this
 * variable: one 128 MiB scrypt per module (~0.75 s of CPU) times 150 modules
 * was a tenth of the suite. Sign-ins still verify against it with scrypt.
 */
export const PASSWORD_HASH_ENV = "OPSDECK_TEST_PASSWORD_HASH";

let passwordHash: Promise<string> | undefined;
/** GOOD_PASSWORD hashed once per run (or once per test process when run without tests/run.ts). */
export function goodPasswordHash(): Promise<string> {
  const handed = Deno.env.get(PASSWORD_HASH_ENV);
  return passwordHash ??= handed ? Promise.resolve(handed) : hashPassword(GOOD_PASSWORD);
}

export async function genTenant(sql: Sql, overrides: { name?: string; slug?: string } = {}) {
  const id = crypto.randomUUID();
  const slug = overrides.slug ?? `t-${id.slice(0, 8)}`;
  return await withTenant(sql, id, (tx) => insertTenant(tx, { id, name: overrides.name ?? `Tenant ${slug}`, slug }));
}

/** Two tenants with a client each: ours, and another to prove isolation against. */
export async function genTwoTenantsWithClients(sql: Sql) {
  const [tenant, other] = [await genTenant(sql), await genTenant(sql)];
  const [client, otherClient] = [await genClient(sql, tenant.id), await genClient(sql, other.id)];
  return { tenant, other, client, otherClient };
}

export async function genClient(sql: Sql, tenantId: string, name = `Client ${crypto.randomUUID().slice(0, 6)}`) {
  return await withTenant(sql, tenantId, async (tx) => {
    const [row] = await tx<{ id: string; name: string }[]>`
      INSERT INTO clients (tenant_id, name) VALUES (${tenantId}, ${name}) RETURNING id, name`;
    return row;
  });
}

export async function genUser(
  sql: Sql,
  tenantId: string,
  overrides: {
    role?: "admin" | "employee" | "client";
    email?: string;
    name?: string;
    clientId?: string;
    status?: UserRow["status"];
    superAdmin?: boolean;
    withPassword?: boolean;
  } = {},
): Promise<UserRow> {
  const email = overrides.email ?? `${overrides.role ?? "user"}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  return await withTenant(sql, tenantId, async (tx) =>
    insertUser(tx, {
      tenantId,
      email,
      name: overrides.name ?? email.split("@")[0],
      status: overrides.status ?? "active",
      roleId: await builtinRoleId(tx, overrides.role ?? "employee"),
      clientId: overrides.clientId ?? null,
      superAdmin: overrides.superAdmin ?? false,
      passwordHash: overrides.withPassword === false ? null : await goodPasswordHash(),
    }));
}

export interface SignedIn {
  user: UserRow;
  token: string;
  sessionId: string;
  /** Headers for a bearer-authenticated API call. */
  bearer: Record<string, string>;
  /** Headers for a cookie-authenticated browser-style call, CSRF token included. */
  cookie: Record<string, string>;
}

export async function signIn(sql: Sql, user: UserRow): Promise<SignedIn> {
  const session = await openSession(sql, user.tenant_id, user.id, {
    actor: null,
    actorLabel: user.email,
    ip: "127.0.0.1",
    userAgent: "tests",
    now: new Date(),
  }, "session.login");
  return {
    user,
    token: session.token,
    sessionId: session.sessionId,
    bearer: { Authorization: `Bearer ${session.token}` },
    cookie: {
      Cookie: `opsdeck_session=${session.token}`,
      "X-CSRF-Token": await csrfTokenFor(TEST_SECRET, session.sessionId),
      Origin: "http://localhost",
    },
  };
}

/** Two tenants with the usual personas, signed in. */
export async function genPersonas(sql: Sql) {
  const tenant = await genTenant(sql, { name: "Agency" });
  const acme = await genClient(sql, tenant.id, "Acme");
  const globex = await genClient(sql, tenant.id, "Globex");
  const other = await genTenant(sql, { name: "Other agency" });
  const otherClient = await genClient(sql, other.id, "Initech");
  const [alice, bob, carol, erin, dave] = await Promise.all([
    genUser(sql, tenant.id, { role: "admin", name: "Alice", email: `alice-${tenant.slug}@example.com` }),
    genUser(sql, tenant.id, { role: "employee", name: "Bob", email: `bob-${tenant.slug}@example.com` }),
    genUser(sql, tenant.id, {
      role: "client",
      name: "Carol",
      clientId: acme.id,
      email: `carol-${tenant.slug}@example.com`,
    }),
    genUser(sql, tenant.id, {
      role: "client",
      name: "Erin",
      clientId: globex.id,
      email: `erin-${tenant.slug}@example.com`,
    }),
    genUser(sql, other.id, { role: "admin", name: "Dave", email: `dave-${other.slug}@example.com` }),
  ]);
  return {
    tenant,
    other,
    clients: { acme, globex, otherClient },
    alice: await signIn(sql, alice),
    bob: await signIn(sql, bob),
    carol: await signIn(sql, carol),
    erin: await signIn(sql, erin),
    dave: await signIn(sql, dave),
  };
}
