/**
 * A change request's history for its page, read from its audit rows: the
 * audit trail already records every transition with who and when, so there
 * is no second history to keep in step. Anyone who can see the request sees
 * its timeline (client users included, who cannot read the audit log itself);
 * only what the page needs leaves here: names, never IP addresses or user agents.
 */
import type { Sql } from "../../db/client.ts";
import { listAudits } from "../../db/queries/audits.ts";
import { type ChangeRequestRow, userDisplayNames } from "../../db/queries/change_requests.ts";
import { withTenant } from "../../db/tenant.ts";
import type { Principal } from "../auth/permissions.ts";
import { findVisible } from "./change_requests.ts";

export interface TimelineEntry {
  id: string;
  /** The audit action, e.g. `change_request.approve`. */
  action: string;
  /** The acting user's name (their e-mail when they have none). */
  actor: string;
  at: Date;
  /** The fields an edit changed, by API name. */
  changed: string[];
  comment: string | null;
}

/** A request has a handful of transitions and edits; this bounds a pathological one. */
const MAX_ENTRIES = 200;

type Snapshot = Record<string, unknown> | undefined;

export async function changeRequestWithTimeline(
  sql: Sql,
  principal: Principal,
  id: string,
): Promise<{ changeRequest: ChangeRequestRow; timeline: TimelineEntry[] }> {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const changeRequest = await findVisible(tx, principal, id);
    const rows = await listAudits(
      tx,
      { tenantId: principal.tenantId, resourceType: "change_request", resourceId: id },
      MAX_ENTRIES,
    );
    const actorIds = [...new Set(rows.flatMap((r) => (r.actor_user_id ? [r.actor_user_id] : [])))];
    const names = await userDisplayNames(tx, principal.tenantId, actorIds);
    const timeline = rows.reverse().map((row) => {
      const before = row.details.before as Snapshot;
      const after = row.details.after as Snapshot;
      const changed = before && after
        ? Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
        : [];
      const comment = row.action.endsWith(".approve") || row.action.endsWith(".reject")
        ? (after?.decision_comment as string | null) ?? null
        : null;
      const actor = (row.actor_user_id && names.get(row.actor_user_id)) ?? row.actor_label ?? "system";
      return { id: row.id, action: row.action, actor, at: row.created_at, changed, comment };
    });
    return { changeRequest, timeline };
  });
}
