/** Clients a viewer may file a project under, or filter by (a client user: their own). */
import type { Sql } from "../../db/client.ts";
import { listClientChoices } from "../../db/queries/clients.ts";
import { withTenant } from "../../db/tenant.ts";
import type { Principal } from "../auth/permissions.ts";

export function clientChoicesFor(sql: Sql, principal: Principal) {
  return withTenant(
    sql,
    principal.tenantId,
    (tx) => listClientChoices(tx, principal.tenantId, { clientId: principal.clientId }),
  );
}
