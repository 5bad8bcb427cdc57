/** Deprovisioning's common step: a user's sessions and API keys end at once, in the change's transaction. */
import type { Sql } from "../../db/client.ts";
import { revokeUserSessions } from "../../db/queries/auth.ts";
import { revokeUserApiKeys } from "../../db/queries/user_sync.ts";

export async function endAccess(tx: Sql, tenantId: string, userId: string, now: Date) {
  return {
    sessions_revoked: await revokeUserSessions(tx, userId, now),
    keys_revoked: await revokeUserApiKeys(tx, tenantId, userId, now),
  };
}
