/**
 * Clerk user sync: POST /hooks/clerk/{tenant slug}, signed by Svix.
 *
 * 1. The Svix signature (svix-id, svix-timestamp, svix-signature) under the
 *    tenant's Clerk signing secret is checked by npm `svix` before anything
 *    is parsed; a forged signature or a timestamp more than 5 minutes off is
 *    a 401 and nothing changes.
 * 2. user.created / user.updated create or update the Opsdeck user linked to
 *    the Clerk id (external identity provider 'clerk'; an existing account
 *    with the same e-mail in the tenant is linked instead of duplicated):
 *    name, primary e-mail, role from public_metadata.role (admin | employee |
 *    client, Clerk's "super_admin"/"admin" → admin, anything else →
 *    employee), status: banned → suspended, locked → inactive, else active.
 * 3. user.deleted suspends the user.
 * Whenever a user ends up suspended or inactive, their sessions and API keys
 * are revoked in the same transaction. Each change writes its audit row
 * (actor "clerk").
 */
import type { Sql } from "../../db/client.ts";
import {
  applyDirectoryUser,
  getUserSyncSettings,
  linkIdentity,
  tenantIdBySlug,
  userIdByEmail,
  userIdByIdentity,
} from "../../db/queries/user_sync.ts";
import { builtinRoleId, insertUser, type UserStatus } from "../../db/queries/users.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { ConflictError, UnauthorizedError, ValidationError } from "../platform/errors.ts";
import { endAccess } from "./end_access.ts";
import { openClerkSecret } from "./settings.ts";

export interface ClerkDeps {
  sql: Sql;
  secret: string;
  previousSecrets?: readonly string[];
  now: () => Date;
}

export interface ClerkRequest {
  tenantSlug: string;
  rawBody: string;
  headers: { id?: string; timestamp?: string; signature?: string };
  ip: string | null;
  userAgent: string | null;
}

interface ClerkUser {
  id?: string;
  first_name?: string | null;
  last_name?: string | null;
  username?: string | null;
  primary_email_address_id?: string | null;
  email_addresses?: { id?: string; email_address?: string }[];
  public_metadata?: Record<string, unknown>;
  banned?: boolean;
  locked?: boolean;
  deleted?: boolean;
}

export type ClerkOutcome = { action: "created" | "updated" | "suspended" | "unchanged" | "ignored"; userId?: string };

const ROLE_MAP: Record<string, "admin" | "employee" | "client"> = {
  super_admin: "admin",
  admin: "admin",
  employee: "employee",
  user: "employee",
  client: "client",
};

export async function handleClerkWebhook(deps: ClerkDeps, req: ClerkRequest): Promise<ClerkOutcome> {
  const tenantId = await tenantIdBySlug(deps.sql, req.tenantSlug);
  const settings = tenantId ? await withTenant(deps.sql, tenantId, (tx) => getUserSyncSettings(tx, tenantId)) : null;
  // Unknown tenant and unconfigured tenant answer like a bad signature: the URL reveals nothing.
  if (!tenantId || !settings?.clerk_secret_ciphertext) throw new UnauthorizedError("Clerk signature missing or wrong");
  const signingSecret = await openClerkSecret(deps, settings);
  // Loaded by the first Clerk webhook, not by every process that imports the app.
  const { Webhook, WebhookVerificationError } = await import("svix");
  try {
    // svix 2 only throws on a bad signature or timestamp; the body is parsed after it passed.
    new Webhook(signingSecret).verify(req.rawBody, {
      "svix-id": req.headers.id ?? "",
      "svix-timestamp": req.headers.timestamp ?? "",
      "svix-signature": req.headers.signature ?? "",
    });
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      throw new UnauthorizedError(`Clerk webhook refused: ${error.message}`);
    }
    throw error;
  }
  const event = parseEvent(req.rawBody);
  const data = event.data ?? {};
  if (!data.id || !event.type?.startsWith("user.")) return { action: "ignored" };
  const ctx: AuditContext = { actor: null, actorLabel: "clerk", ip: req.ip, userAgent: req.userAgent, now: deps.now() };
  return await withTenant(deps.sql, tenantId, async (tx) => {
    if (event.type === "user.deleted") return await suspendDeleted(tx, ctx, tenantId, data.id!);
    if (event.type !== "user.created" && event.type !== "user.updated") return { action: "ignored" };
    return await upsert(tx, ctx, tenantId, data);
  });
}

function parseEvent(rawBody: string): { type?: string; data?: ClerkUser } {
  try {
    const value = JSON.parse(rawBody);
    return value && typeof value === "object" ? value : {};
  } catch {
    throw new ValidationError([{ path: "body", message: "is not JSON" }]);
  }
}

function primaryEmail(u: ClerkUser): string {
  const emails = u.email_addresses ?? [];
  const email = (emails.find((e) => e.id === u.primary_email_address_id) ?? emails[0])?.email_address;
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) {
    throw new ValidationError([{ path: "data.email_addresses", message: "has no usable primary e-mail address" }]);
  }
  return email;
}

const statusOf = (u: ClerkUser): UserStatus => u.banned ? "suspended" : u.locked ? "inactive" : "active";

async function upsert(tx: Sql, ctx: AuditContext, tenantId: string, u: ClerkUser): Promise<ClerkOutcome> {
  const email = primaryEmail(u);
  const name = [u.first_name, u.last_name].filter(Boolean).join(" ").trim() || u.username || null;
  const asked = typeof u.public_metadata?.role === "string" ? ROLE_MAP[u.public_metadata.role] : undefined;
  const roleId = await builtinRoleId(tx, asked ?? "employee");
  const status = statusOf(u);
  let userId = await userIdByIdentity(tx, tenantId, "clerk", u.id!) ?? await userIdByEmail(tx, tenantId, email);
  let created = false;
  if (!userId) {
    const taken = await tx`SELECT 1 FROM users WHERE lower(email) = lower(${email})`;
    if (taken.length > 0) throw new ConflictError(`${email} already has an account in another organisation`);
    userId = (await insertUser(tx, { tenantId, email, name, status, roleId })).id;
    created = true;
  }
  await linkIdentity(tx, { tenantId, userId, provider: "clerk", subject: u.id!, email });
  const { before, changed } = created
    ? { before: null, changed: true }
    : await applyDirectoryUser(tx, tenantId, userId, { email, name, status, roleId });
  if (!changed) return { action: "unchanged", userId };
  const revoked = status === "active" ? undefined : await endAccess(tx, tenantId, userId, ctx.now);
  await recordAudit(tx, ctx, {
    tenantId,
    action: created ? "user.create" : status === "active" ? "user.update" : "user.suspend",
    resourceType: "user",
    resourceId: userId,
    ...(before ? { before } : {}),
    after: { email: email.toLowerCase(), name, status, role_id: roleId },
    details: { source: "clerk", clerk_id: u.id, ...revoked },
  });
  return { action: created ? "created" : status === "active" ? "updated" : "suspended", userId };
}

async function suspendDeleted(tx: Sql, ctx: AuditContext, tenantId: string, clerkId: string): Promise<ClerkOutcome> {
  const userId = await userIdByIdentity(tx, tenantId, "clerk", clerkId);
  if (!userId) return { action: "ignored" };
  const [user] = await tx<{ status: UserStatus }[]>`
    UPDATE users SET status = 'suspended' WHERE tenant_id = ${tenantId} AND id = ${userId}
    RETURNING (SELECT status FROM users WHERE id = ${userId}) AS status`;
  const revoked = await endAccess(tx, tenantId, userId, ctx.now);
  await recordAudit(tx, ctx, {
    tenantId,
    action: "user.suspend",
    resourceType: "user",
    resourceId: userId,
    before: { status: user.status },
    after: { status: "suspended" },
    details: { source: "clerk", clerk_id: clerkId, reason: "deleted in Clerk", ...revoked },
  });
  return { action: "suspended", userId };
}
