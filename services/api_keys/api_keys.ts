/**
 * Creating, listing and revoking API keys.
 *
 * Who may do what (docs/security.md):
 * - A signed-in user (session) manages their own keys whatever their role: a
 *   key acts as its owner and never exceeds them, so it grants nothing new.
 * - A caller authenticated by an API key needs `api_keys:read|write|delete` in
 *   its own effective permissions, even for its owner's keys: a key scoped to
 *   deployments cannot list, mint or revoke keys.
 * - Other users' keys need `api_keys:manage`: without it, revoking one is a
 *   404 (its id is not visible) and asking to list them is a 403.
 * - Scopes must be a subset of the creator's effective permissions.
 */
import type { Sql } from "../../db/client.ts";
import { type ApiKeyRow, getApiKey, insertApiKey, listApiKeys, revokeApiKey } from "../../db/queries/api_keys.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { API_KEY_PREFIX } from "../auth/sessions.ts";
import { type Action, authorize, can, type Permission, type Principal } from "../auth/permissions.ts";
import { randomToken, sha256 } from "../auth/tokens.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../platform/errors.ts";
import { decodeIdCursor, type Page, toPage } from "../platform/pagination.ts";
import type { ApiKeyCreateInput } from "./schemas.ts";

/** `odk_` plus 8 characters of the secret: enough to tell keys apart, far too little to guess the rest. */
const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;

export type ApiKeyStatus = "active" | "expired" | "revoked";

export function statusOf(key: Pick<ApiKeyRow, "revoked_at" | "expires_at">, now: Date): ApiKeyStatus {
  if (key.revoked_at) return "revoked";
  if (key.expires_at && key.expires_at <= now) return "expired";
  return "active";
}

/** Keys acting as callers must hold the api_keys permission themselves; sessions manage their own keys freely. */
function requireKeyManagement(actor: Principal, action: Action): void {
  if (actor.kind === "api_key") authorize(actor, "api_keys", action);
}

/** The scopes a new key gets: the requested ones, each checked against the creator's own permissions. */
export function resolveScopes(actor: Principal, requested: readonly string[] | undefined): string[] {
  const scopes = [...new Set(requested ?? [])];
  const errors = (requested ?? []).flatMap((scope, i) =>
    actor.permissions.has(scope as Permission)
      ? []
      : [{ path: `scopes.${i}`, message: `"${scope}" is not one of your own permissions` }]
  );
  if (errors.length) throw new ValidationError(errors);
  if (scopes.length > 0) return scopes.sort();
  // An empty list means "all of the owner's permissions". A key minting a key
  // writes its own narrowed set down instead, so the new key cannot widen.
  return actor.kind === "api_key" ? [...actor.permissions].sort() : [];
}

export interface NewApiKey {
  key: string;
  row: ApiKeyRow;
}

export async function createApiKey(
  sql: Sql,
  actor: Principal,
  input: ApiKeyCreateInput,
  ctx: AuditContext,
): Promise<NewApiKey> {
  requireKeyManagement(actor, "write");
  const scopes = resolveScopes(actor, input.scopes);
  const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
  if (expiresAt && expiresAt <= ctx.now) {
    throw new ValidationError([{ path: "expires_at", message: "must be in the future" }]);
  }
  const key = API_KEY_PREFIX + randomToken(32);
  const row = await withTenant(sql, actor.tenantId, async (tx) => {
    const row = await insertApiKey(tx, {
      tenantId: actor.tenantId,
      userId: actor.userId,
      name: input.name,
      prefix: key.slice(0, DISPLAY_PREFIX_LENGTH),
      tokenHash: await sha256(key),
      scopes,
      expiresAt,
      now: ctx.now,
    });
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: "api_key.create",
      resourceType: "api_key",
      resourceId: row.id,
      after: { name: row.name, user_id: row.user_id, prefix: row.prefix, scopes, expires_at: expiresAt },
    });
    return row;
  });
  return { key, row };
}

export interface ApiKeyListOptions {
  userId?: string;
  all?: boolean;
  limit: number;
  cursor?: string;
}

/** The caller's own keys by default; another user's or the whole tenant's with api_keys:manage. */
export async function listKeys(sql: Sql, actor: Principal, o: ApiKeyListOptions): Promise<Page<ApiKeyRow>> {
  requireKeyManagement(actor, "read");
  const others = o.all || (o.userId !== undefined && o.userId !== actor.userId);
  if (others && !can(actor, "api_keys", "manage")) {
    throw new ForbiddenError("Listing other users' API keys needs the api_keys:manage permission");
  }
  const afterId = decodeIdCursor<[string]>(o.cursor, ["string"])?.[0];
  const rows = await withTenant(sql, actor.tenantId, (tx) =>
    listApiKeys(tx, {
      tenantId: actor.tenantId,
      userId: o.all ? undefined : o.userId ?? actor.userId,
      limit: o.limit,
      afterId,
    }));
  return toPage(rows, o.limit, (row) => [row.id]);
}

/** Revokes a key at once (the next request with it is a 401); revoking a revoked key changes nothing. */
export async function revokeKey(sql: Sql, actor: Principal, id: string, ctx: AuditContext): Promise<ApiKeyRow> {
  requireKeyManagement(actor, "delete");
  return await withTenant(sql, actor.tenantId, async (tx) => {
    const row = await getApiKey(tx, actor.tenantId, id);
    if (!row || (row.user_id !== actor.userId && !can(actor, "api_keys", "manage"))) {
      throw new NotFoundError("No such API key");
    }
    const revokedAt = row.revoked_at ? undefined : await revokeApiKey(tx, actor.tenantId, id, ctx.now);
    if (!revokedAt) return row;
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: "api_key.revoke",
      resourceType: "api_key",
      resourceId: row.id,
      before: { name: row.name, user_id: row.user_id, revoked_at: null },
      after: { name: row.name, user_id: row.user_id, revoked_at: revokedAt },
    });
    return { ...row, revoked_at: revokedAt };
  });
}
