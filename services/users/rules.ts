/** Rules shared by inviting and editing users. */
import type { Sql } from "../../db/client.ts";
import type { RoleRow } from "../../db/queries/roles.ts";
import { getClientOption, getUser, type UserRow } from "../../db/queries/users.ts";
import type { Principal } from "../auth/permissions.ts";
import { NotFoundError, ValidationError } from "../platform/errors.ts";
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

/** A user of the principal's tenant, else 404; client-bound principals only ever see users of their own client. */
export async function loadUserFor(
  tx: Sql,
  principal: Principal,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<UserRow> {
  const user = await getUser(tx, principal.tenantId, id, options);
  if (!user || (principal.clientId && user.client_id !== principal.clientId)) throw new NotFoundError();
  return user;
}

/**
 * Awaits a write whose uniqueness was checked first: a unique violation means
 * a concurrent request got there in between, and becomes `conflict()`.
 */
export async function orConflict<T>(write: Promise<T>, conflict: () => Error): Promise<T> {
  try {
    return await write;
  } catch (error) {
    throw (error as { code?: string }).code === "23505" ? conflict() : error;
  }
}
