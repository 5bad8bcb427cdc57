/**
 * The activity feed (seed 004's activity_logs): audits and events as one
 * filterable timeline of plain sentences. Audits need audits:read; client
 * users see their own client's projects' events only.
 */
import type { Sql } from "../../db/client.ts";
import { clientProjectIds, feed, type FeedRow } from "../../db/queries/activity_feed.ts";
import { withTenant } from "../../db/tenant.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { loadProjectFor } from "../projects/access.ts";
import type { FeedQuery } from "./schemas.ts";

const words = (s: string) => s.replaceAll("_", " ");

/** The name an event or audit row is about, from the payload it carries. */
function nameIn(payload: Record<string, unknown>): string | null {
  for (const key of ["check", "alert", "deployment", "project", "change_request", "after", "before"]) {
    const v = payload[key] as Record<string, unknown> | undefined;
    if (v && typeof v === "object") {
      for (const field of ["name", "summary", "title", "email", "environment"]) {
        if (typeof v[field] === "string" && v[field]) return v[field] as string;
      }
    }
  }
  return null;
}

const LINKS: Record<string, (id: string) => string> = {
  health_check: (id) => `/checks/${id}`,
  deployment: (id) => `/deployments/${id}`,
  alert: (id) => `/alerts/${id}`,
  change_request: (id) => `/change-requests/${id}`,
  project: (id) => `/projects/${id}`,
  client: (id) => `/clients/${id}`,
};

export function describe(row: FeedRow): string {
  const name = nameIn(row.payload);
  const [what, verb] = [row.type.slice(0, row.type.lastIndexOf(".")), row.type.slice(row.type.lastIndexOf(".") + 1)];
  const subject = `${words(what)}${name ? ` "${name}"` : ""}`;
  if (row.source === "audit") return `${row.actor ?? "System"} — ${words(verb)} ${subject}`;
  const heldBack = typeof row.payload.held_back === "string" ? ` (held back: ${row.payload.held_back})` : "";
  return `${subject[0].toUpperCase()}${subject.slice(1)} ${words(verb)}${heldBack}${
    row.actor ? ` — by ${row.actor}` : ""
  }`;
}

export async function activityFeed(sql: Sql, principal: Principal, q: FeedQuery) {
  authorize(principal, "projects", "read");
  if (q.project_id) await loadProjectFor(sql, principal, q.project_id);
  const rows = await withTenant(sql, principal.tenantId, async (tx) => {
    const projectIds = q.project_id
      ? [q.project_id]
      : principal.clientId
      ? await clientProjectIds(tx, principal.tenantId, principal.clientId)
      : null;
    return await feed(tx, principal.tenantId, {
      audits: q.source !== "event" && can(principal, "audits", "read"),
      events: q.source !== "audit",
      projectIds,
      actorId: q.actor_id,
      typePrefix: q.type,
      limit: q.limit,
    });
  });
  return rows.map((r) => ({
    source: r.source,
    id: r.id,
    at: r.at.toISOString(),
    type: r.type,
    actor: r.actor,
    description: describe(r),
    project_id: r.project_id,
    link: r.subject_id && LINKS[r.subject_type] ? LINKS[r.subject_type](r.subject_id) : null,
  }));
}
