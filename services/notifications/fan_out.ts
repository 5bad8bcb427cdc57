/** Turns a committed event into outbox rows (one per matching notification rule's channel). */
import type { Sql } from "../../db/client.ts";
import type { StoredEvent } from "../events/emit.ts";

export async function fanOutEvent(_tx: Sql, _event: StoredEvent): Promise<void> {
}
