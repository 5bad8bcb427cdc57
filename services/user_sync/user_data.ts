/**
 * Seed 002's user_data: free key/value pairs per user. Anyone may read and
 * write their own; other users' need users:read / users:manage. Client users
 * reach only themselves (another user is not found). Writes are audited.
 */
import type { Sql } from "../../db/client.ts";
import { deleteUserData, listUserData, putUserData, type UserDataRow } from "../../db/queries/user_sync.ts";
import { getUser } from "../../db/queries/users.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { NotFoundError } from "../platform/errors.ts";

async function checkAccess(tx: Sql, principal: Principal, userId: string, write: boolean): Promise<void> {
  if (userId !== principal.userId) {
    authorize(principal, "users", "read");
    if (principal.clientId) throw new NotFoundError("User not found");
    if (write) authorize(principal, "users", "manage");
  }
  if (!await getUser(tx, principal.tenantId, userId)) throw new NotFoundError("User not found");
}

export async function readUserData(sql: Sql, principal: Principal, userId: string): Promise<UserDataRow[]> {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    await checkAccess(tx, principal, userId, false);
    return await listUserData(tx, principal.tenantId, userId);
  });
}

/** The page: whose data it is, the pairs, and whether the principal may change them. */
export async function userDataPage(sql: Sql, principal: Principal, userId: string) {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    await checkAccess(tx, principal, userId, false);
    const user = (await getUser(tx, principal.tenantId, userId))!;
    return {
      name: user.name ?? user.email,
      rows: await listUserData(tx, principal.tenantId, userId),
      canWrite: userId === principal.userId || can(principal, "users", "manage"),
    };
  });
}

export async function writeUserData(
  sql: Sql,
  principal: Principal,
  userId: string,
  key: string,
  value: string | null,
  ctx: AuditContext,
): Promise<UserDataRow[]> {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    await checkAccess(tx, principal, userId, true);
    const before = value === null
      ? await deleteUserData(tx, principal.tenantId, userId, key)
      : await putUserData(tx, principal.tenantId, userId, key, value);
    if (value === null && before === undefined) throw new NotFoundError(`No value under "${key}"`);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: value === null ? "user_data.delete" : "user_data.put",
      resourceType: "user",
      resourceId: userId,
      before: before === undefined ? undefined : { [key]: before },
      after: value === null ? undefined : { [key]: value },
    });
    return await listUserData(tx, principal.tenantId, userId);
  });
}
