/** Rules shared by inviting and editing users. */
import type { Sql } from "../../db/client.ts";
import type { RoleRow } from "../../db/queries/roles.ts";
import { getClientOption, type UserRow } from "../../db/queries/users.ts";
import type { Principal } from "../auth/permissions.ts";
import { ValidationError } from "../errors.ts";
import { isBuiltin } from "../roles/resolve.ts";

/**
 * A client user belongs to exactly one client of the tenant; admins and
 * employees belong to none; a custom role may be tied to a client (it then
 * sees only that client's work, like a client user). A client id the tenant
 * does not have (another tenant's included) is the same 422 as a made-up one.
 */
export async function checkClientAssignment(
  tx: Sql,
  tenantId: string,
  role: RoleRow,
  clientId: string | null,
): Promise<void> {
  if (isBuiltin(role) && role.name === "client" && !clientId) {
    throw new ValidationError([{ path: "client_id", message: "is required for the client role" }]);
  }
  if (isBuiltin(role) && role.name !== "client" && clientId) {
    throw new ValidationError([{ path: "client_id", message: `must be empty for the ${role.name} role` }]);
  }
  if (clientId && !await getClientOption(tx, tenantId, clientId)) {
    throw new ValidationError([{ path: "client_id", message: "No such client in this organisation" }]);
  }
}

/** Client-bound principals only ever see users of their own client. */
export function visibleTo(principal: Principal, user: UserRow | undefined): user is UserRow {
  return user !== undefined && (!principal.clientId || user.client_id === principal.clientId);
}

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === "23505";
}
