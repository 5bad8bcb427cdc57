/**
 * SCIM 2.0 (RFC 7643/7644) for Okta, Entra and friends: /scim/v2/Users and
 * /scim/v2/Groups, authenticated by the tenant's SCIM bearer token (only its
 * SHA-256 is stored). Users are Opsdeck users (id = our user id, externalId
 * kept as an external identity, provider 'scim'); groups are roles, and
 * membership sets the user's role. `active: false` or DELETE deprovisions:
 * the user is suspended and their sessions and API keys end at once.
 *
 * Filters are parsed by npm `scimmy` (Types.Filter) and must only name the
 * attributes below (groups: scim_groups.ts); anything else, or a filter that does not parse (an
 * injection attempt), is 400 `invalidFilter`. Unknown attributes in a body
 * are 400 `invalidSyntax`, an unknown PATCH path 400 `invalidPath`, all as
 * RFC 7644 §3.12 error messages.
 */
import SCIMMY from "scimmy";
import type { Sql } from "../../db/client.ts";
import {
  type DirectoryUserRow,
  linkIdentity,
  listDirectoryUsers,
  tenantByScimToken,
} from "../../db/queries/user_sync.ts";
import { builtinRoleId, insertUser, type UserStatus } from "../../db/queries/users.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { sha256 } from "../auth/tokens.ts";
import { endAccess } from "./end_access.ts";

export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

export class ScimError extends Error {
  constructor(readonly status: number, readonly scimType: string | null, message: string) {
    super(message);
  }
}

/** RFC 7644 §3.12's error body. */
export const scimErrorBody = (e: ScimError) => ({
  schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
  status: String(e.status),
  ...(e.scimType ? { scimType: e.scimType } : {}),
  detail: e.message,
});

export async function tenantForToken(sql: Sql, header: string | undefined): Promise<string> {
  const token = header?.match(/^Bearer (osc_[A-Za-z0-9_-]{20,200})$/)?.[1];
  const tenantId = token ? await tenantByScimToken(sql, await sha256(token)) : undefined;
  if (!tenantId) throw new ScimError(401, null, "SCIM bearer token missing or wrong");
  return tenantId;
}

export const USER_ATTRIBUTES = new Set([
  "schemas",
  "id",
  "externalId",
  "userName",
  "name",
  "displayName",
  "emails",
  "active",
  "meta",
]);
const FILTERABLE = new Set(["id", "externalId", "userName", "displayName", "active", "emails.value"]);

function userResource(u: DirectoryUserRow, baseUrl: string) {
  const [givenName, ...rest] = (u.name ?? "").split(" ");
  return {
    schemas: [USER_SCHEMA],
    id: u.id,
    ...(u.external_id ? { externalId: u.external_id } : {}),
    userName: u.email,
    displayName: u.name ?? u.email,
    name: {
      givenName: givenName || undefined,
      familyName: rest.join(" ") || undefined,
      formatted: u.name ?? undefined,
    },
    emails: [{ value: u.email, primary: true }],
    active: u.status === "active",
    meta: { resourceType: "User", created: u.created_at.toISOString(), location: `${baseUrl}/scim/v2/Users/${u.id}` },
  };
}
type UserResource = ReturnType<typeof userResource>;

/** Parses with scimmy, then refuses attributes we do not filter on (case-insensitively, as SCIM names are). */
function parseFilter(expression: string): SCIMMY.Types.Filter {
  let filter: SCIMMY.Types.Filter;
  try {
    filter = new SCIMMY.Types.Filter(expression);
  } catch (error) {
    throw new ScimError(400, "invalidFilter", `The filter does not parse: ${(error as Error).message}`);
  }
  const names = new Set<string>();
  const walk = (node: unknown, prefix = "") => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, prefix));
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "!" || /^\d+$/.test(key)) walk(value, prefix);
      else if (Array.isArray(value) && typeof value[0] === "string") names.add(prefix + key);
      else walk(value, `${prefix}${key}.`);
    }
  };
  walk([...filter]);
  const allowed = new Map([...FILTERABLE].map((a) => [a.toLowerCase(), a]));
  for (const name of names) {
    if (!allowed.has(name.toLowerCase())) {
      throw new ScimError(400, "invalidFilter", `Filtering on "${name}" is not supported`);
    }
  }
  return filter;
}

export async function listUsers(
  sql: Sql,
  tenantId: string,
  q: { filter?: string; startIndex?: string; count?: string },
  baseUrl: string,
) {
  const filter = q.filter ? parseFilter(q.filter) : null;
  const start = Math.max(1, Number.parseInt(q.startIndex ?? "1", 10) || 1);
  const count = Math.min(200, Math.max(0, Number.parseInt(q.count ?? "100", 10) || 0));
  const all = (await withTenant(sql, tenantId, (tx) => listDirectoryUsers(tx, tenantId))).map((u) =>
    userResource(u, baseUrl)
  );
  const matched = filter ? filter.match(all) as UserResource[] : all;
  return {
    schemas: [LIST_SCHEMA],
    totalResults: matched.length,
    startIndex: start,
    itemsPerPage: matched.slice(start - 1, start - 1 + count).length,
    Resources: matched.slice(start - 1, start - 1 + count),
  };
}

export async function getUser(sql: Sql, tenantId: string, id: string, baseUrl: string): Promise<UserResource> {
  const [u] = await withTenant(sql, tenantId, (tx) => listDirectoryUsers(tx, tenantId, id));
  if (!u) throw new ScimError(404, null, `User ${id} not found`);
  return userResource(u, baseUrl);
}

interface ScimUserInput {
  userName?: unknown;
  externalId?: unknown;
  displayName?: unknown;
  name?: { givenName?: unknown; familyName?: unknown; formatted?: unknown };
  emails?: { value?: unknown; primary?: unknown }[];
  active?: unknown;
}

function checkUserBody(body: unknown): ScimUserInput {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new ScimError(400, "invalidSyntax", "The body must be a SCIM User object");
  }
  const unknown = Object.keys(body).filter((k) => !USER_ATTRIBUTES.has(k) && !k.startsWith("urn:"));
  if (unknown.length > 0) throw new ScimError(400, "invalidSyntax", `Unknown attribute "${unknown[0]}"`);
  return body as ScimUserInput;
}

const emailOf = (u: ScimUserInput): string => {
  const primary = u.emails?.find((e) => e.primary === true) ?? u.emails?.[0];
  const email = typeof primary?.value === "string" ? primary.value : u.userName;
  if (typeof email !== "string" || !/^[^@\s]+@[^@\s]+$/.test(email) || email.length > 320) {
    throw new ScimError(400, "invalidValue", "userName (or a primary e-mail) must be an e-mail address");
  }
  return email.toLowerCase();
};

const nameOf = (u: ScimUserInput): string | null => {
  const parts = [u.name?.givenName, u.name?.familyName].filter((p): p is string => typeof p === "string" && p !== "");
  const name = parts.join(" ") || (typeof u.displayName === "string" ? u.displayName : "");
  return name.trim().slice(0, 200) || null;
};

export const ctxFor = (now: Date): AuditContext => ({
  actor: null,
  actorLabel: "scim",
  ip: null,
  userAgent: null,
  now,
});

/** POST /scim/v2/Users. */
export async function createUser(sql: Sql, tenantId: string, body: unknown, now: Date, baseUrl: string) {
  const input = checkUserBody(body);
  const email = emailOf(input);
  const status: UserStatus = input.active === false ? "suspended" : "active";
  const id = await withTenant(sql, tenantId, async (tx) => {
    const taken = await tx`SELECT 1 FROM users WHERE lower(email) = ${email}`;
    if (taken.length > 0) throw new ScimError(409, "uniqueness", `${email} already has an account`);
    const user = await insertUser(tx, {
      tenantId,
      email,
      name: nameOf(input),
      status,
      roleId: await builtinRoleId(tx, "employee"),
    });
    if (typeof input.externalId === "string" && input.externalId) {
      await linkIdentity(tx, { tenantId, userId: user.id, provider: "scim", subject: input.externalId, email });
    }
    await recordAudit(tx, ctxFor(now), {
      tenantId,
      action: "user.create",
      resourceType: "user",
      resourceId: user.id,
      after: { email, name: user.name, status, role: user.role_name },
      details: { source: "scim" },
    });
    return user.id;
  });
  return await getUser(sql, tenantId, id, baseUrl);
}

/** PATCH /scim/v2/Users/{id}: replace/add of active, name, displayName, userName, externalId. */
export async function patchUser(sql: Sql, tenantId: string, id: string, body: unknown, now: Date, baseUrl: string) {
  const ops = patchOperations(body);
  const current = await getUser(sql, tenantId, id, baseUrl);
  const next: ScimUserInput = {
    userName: current.userName,
    name: { givenName: current.name.givenName, familyName: current.name.familyName },
    active: current.active,
  };
  for (const op of ops) {
    const values: [string, unknown][] = op.path
      ? [[op.path, op.value]]
      : Object.entries((op.value ?? {}) as Record<string, unknown>);
    for (const [path, value] of values) applyPath(next, path, value);
  }
  await saveUser(sql, tenantId, id, next, current, now);
  return await getUser(sql, tenantId, id, baseUrl);
}

function patchOperations(body: unknown): { op: string; path?: string; value?: unknown }[] {
  const b = body as { schemas?: unknown; Operations?: unknown };
  if (!Array.isArray(b?.schemas) || !b.schemas.includes(PATCH_SCHEMA) || !Array.isArray(b.Operations)) {
    throw new ScimError(400, "invalidSyntax", "The body must be a PatchOp message with Operations");
  }
  return b.Operations.map((raw) => {
    const op = raw as { op?: unknown; path?: unknown; value?: unknown };
    const name = typeof op.op === "string" ? op.op.toLowerCase() : "";
    if (name !== "replace" && name !== "add") {
      throw new ScimError(400, "invalidValue", `Operation "${String(op.op)}" is not supported on users`);
    }
    if (op.path !== undefined && typeof op.path !== "string") {
      throw new ScimError(400, "invalidPath", "path must be a string");
    }
    return { op: name, path: op.path as string | undefined, value: op.value };
  });
}

function applyPath(u: ScimUserInput, path: string, value: unknown): void {
  switch (path.toLowerCase()) {
    case "active":
      if (typeof value !== "boolean" && value !== "True" && value !== "False") {
        throw new ScimError(400, "invalidValue", "active must be true or false");
      }
      u.active = value === true || value === "True";
      return;
    case "username":
      u.userName = value;
      u.emails = undefined;
      return;
    case "displayname":
      u.displayName = value;
      u.name = {};
      return;
    case "name.givenname":
      u.name = { ...u.name, givenName: value };
      return;
    case "name.familyname":
      u.name = { ...u.name, familyName: value };
      return;
    case "name":
      u.name = value as ScimUserInput["name"];
      return;
    case "externalid":
      u.externalId = value;
      return;
    default:
      throw new ScimError(400, "invalidPath", `"${path}" cannot be changed here`);
  }
}

async function saveUser(
  sql: Sql,
  tenantId: string,
  id: string,
  next: ScimUserInput,
  current: UserResource,
  now: Date,
): Promise<void> {
  const email = emailOf(next);
  const name = nameOf(next);
  const status: UserStatus = next.active === false ? "suspended" : "active";
  await withTenant(sql, tenantId, async (tx) => {
    await tx`UPDATE users SET email = ${email}, name = ${name}, status = ${status} WHERE tenant_id = ${tenantId} AND id = ${id}`;
    if (typeof next.externalId === "string" && next.externalId) {
      await linkIdentity(tx, { tenantId, userId: id, provider: "scim", subject: next.externalId, email });
    }
    const revoked = status === "active" ? {} : await endAccess(tx, tenantId, id, now);
    await recordAudit(tx, ctxFor(now), {
      tenantId,
      action: status === "active" ? "user.update" : "user.suspend",
      resourceType: "user",
      resourceId: id,
      before: { email: current.userName, name: current.name.formatted ?? null, active: current.active },
      after: { email, name, active: status === "active" },
      details: { source: "scim", ...revoked },
    });
  });
}

/**
 * PUT /scim/v2/Users/{id}: the body replaces the user (RFC 7644 §3.5.1):
 * attributes left out are cleared (no name) or take their default (active).
 */
export async function replaceUser(sql: Sql, tenantId: string, id: string, body: unknown, now: Date, baseUrl: string) {
  const input = checkUserBody(body);
  const current = await getUser(sql, tenantId, id, baseUrl);
  if (typeof input.active !== "boolean" && input.active !== undefined) {
    throw new ScimError(400, "invalidValue", "active must be true or false");
  }
  await saveUser(sql, tenantId, id, { ...input, active: input.active ?? true }, current, now);
  return await getUser(sql, tenantId, id, baseUrl);
}

/** DELETE /scim/v2/Users/{id}: deprovisioned (suspended, sessions and keys ended); never deleted, audits name them. */
export async function deprovisionUser(sql: Sql, tenantId: string, id: string, now: Date, baseUrl: string) {
  const current = await getUser(sql, tenantId, id, baseUrl);
  await saveUser(sql, tenantId, id, { userName: current.userName, name: current.name, active: false }, current, now);
}
