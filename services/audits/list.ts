/**
 * Reading the audit log: a tenant's rows, filtered, newest first, paged by
 * seq. Only principals who may read audits see anything; the others get 404.
 */
import type { Sql } from "../../db/client.ts";
import * as audits from "../../db/queries/audits.ts";
import { withTenant } from "../../db/tenant.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { type AuditFilterQuery, type AuditQuery, type AuditView, parseInstant } from "./schemas.ts";
import { NotFoundError } from "../platform/errors.ts";
import { isUuid } from "../platform/ids.ts";
import { decodeCursor, type Page, toPage } from "../platform/pagination.ts";
import { resourceNames } from "../../db/queries/resource_names.ts";

/** The query's filters as the database query wants them, scoped to the principal's tenant. */
export function toFilter(principal: Principal, query: AuditFilterQuery): audits.AuditFilter {
  return {
    tenantId: principal.tenantId,
    actorId: query.actor_id,
    action: query.action,
    resourceType: query.resource_type,
    resourceId: query.resource_id,
    since: query.since ? parseInstant(query.since, "start") : undefined,
    until: query.until ? parseInstant(query.until, "end") : undefined,
  };
}

export function toView(row: audits.AuditRow): AuditView {
  const type = row.actor_api_key_id ? "api_key" : row.actor_user_id ? "user" : null;
  return {
    id: row.id,
    seq: Number(row.seq),
    actor: { type, id: row.actor_api_key_id ?? row.actor_user_id, label: row.actor_label },
    action: row.action,
    resource_type: row.resource_type,
    resource_id: row.resource_id,
    ip: row.ip,
    user_agent: row.user_agent,
    details: row.details,
    created_at: row.created_at.toISOString(),
  };
}

/** One page of the principal's tenant's audits matching `query`, newest first. */
export async function listAudits(sql: Sql, principal: Principal, query: AuditQuery): Promise<Page<AuditView>> {
  authorize(principal, "audits", "read");
  const filter = toFilter(principal, query);
  if (query.cursor) filter.beforeSeq = decodeCursor(query.cursor, ["number"])[0] as number;
  const rows = await withTenant(sql, principal.tenantId, (tx) => audits.listAudits(tx, filter, query.limit + 1));
  return toPage(rows.map(toView), query.limit, (row) => [row.seq]);
}

/** One row and where it sits in its tenant's hash chain (hex hashes). */
export interface AuditEntry {
  audit: AuditView;
  chain: { prevHash: string | null; hash: string };
}

/** One audit row of the principal's tenant, with its chain hashes; 404 for anything else. */
export async function getAudit(sql: Sql, principal: Principal, id: string): Promise<AuditEntry> {
  authorize(principal, "audits", "read");
  if (!isUuid(id)) throw new NotFoundError("No such audit entry");
  const row = await withTenant(sql, principal.tenantId, (tx) => audits.getAudit(tx, principal.tenantId, id));
  if (!row) throw new NotFoundError("No such audit entry");
  return { audit: toView(row), chain: { prevHash: row.prev_hash, hash: row.hash } };
}

export interface AuditFilterOptions {
  actors: audits.AuditActorRow[];
  actions: string[];
  resourceTypes: string[];
}

/**
 * What the page's filter pickers offer: actions and resource types that occur
 * in this tenant's log, and its users, but only to those who may list users
 * (a custom role may read audits without reading users).
 */
export async function auditFilterOptions(sql: Sql, principal: Principal): Promise<AuditFilterOptions> {
  authorize(principal, "audits", "read");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => ({
    actors: can(principal, "users", "read") ? await audits.listAuditActors(tx, tenantId, 500) : [],
    actions: await audits.distinctAuditValues(tx, tenantId, "action", 500),
    resourceTypes: await audits.distinctAuditValues(tx, tenantId, "resource_type", 200),
  }));
}

/**
 * What to call each row's resource: its current name, else the name its own
 * snapshot recorded (a deleted resource), keyed by audit id.
 */
export async function resourceNamesOf(sql: Sql, principal: Principal, rows: AuditView[]): Promise<Map<string, string>> {
  const wanted = rows.flatMap((r) => r.resource_id ? [{ type: r.resource_type, id: r.resource_id }] : []);
  const current = await withTenant(sql, principal.tenantId, (tx) => resourceNames(tx, principal.tenantId, wanted));
  const named = new Map<string, string>();
  for (const row of rows) {
    const snapshot = (key: string) => {
      const value = (row.details[key] as Record<string, unknown> | undefined)?.name;
      return typeof value === "string" ? value : undefined;
    };
    const name = current.get(`${row.resource_type}:${row.resource_id}`) ?? snapshot("after") ?? snapshot("before");
    if (name) named.set(row.id, name);
  }
  return named;
}
