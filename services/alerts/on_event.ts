/** Opens and resolves alerts from events, in the event's transaction. */
import type { Sql } from "../../db/client.ts";
import type { AuditContext } from "../audits/record.ts";
import type { StoredEvent } from "../events/emit.ts";

export async function evaluateEventForAlerts(_tx: Sql, _ctx: AuditContext, _event: StoredEvent): Promise<void> {
}
