/** Incidents, their updates and affected components (00080). */
import type { Sql } from "../client.ts";

export interface IncidentRow {
  id: string;
  tenant_id: string;
  page_id: string;
  kind: "incident" | "maintenance";
  title: string;
  status: string;
  impact: string;
  alert_id: string | null;
  started_at: Date;
  resolved_at: Date | null;
  scheduled_for: Date | null;
  scheduled_until: Date | null;
  created_at: Date;
  updated_at: Date;
  component_ids: string[];
}

export interface IncidentUpdateRow {
  id: string;
  incident_id: string;
  status: string;
  body: string;
  created_at: Date;
}

export type IncidentInsert = Pick<
  IncidentRow,
  "page_id" | "kind" | "title" | "status" | "impact" | "alert_id" | "started_at" | "scheduled_for" | "scheduled_until"
>;

const SELECT = (sql: Sql) =>
  sql`SELECT i.*, coalesce((SELECT array_agg(ic.component_id) FROM incident_components ic
      WHERE ic.tenant_id = i.tenant_id AND ic.incident_id = i.id), '{}') AS component_ids FROM incidents i`;

/** Inserts; undefined when the alert already has an incident on this page (the unique key). */
export async function insertIncident(sql: Sql, tenantId: string, f: IncidentInsert): Promise<string | undefined> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO incidents (tenant_id, page_id, kind, title, status, impact, alert_id, started_at, scheduled_for,
                           scheduled_until)
    VALUES (${tenantId}, ${f.page_id}, ${f.kind}, ${f.title}, ${f.status}, ${f.impact}, ${f.alert_id}, ${f.started_at},
            ${f.scheduled_for}, ${f.scheduled_until})
    ON CONFLICT DO NOTHING RETURNING id`;
  return row?.id;
}

export async function setIncidentComponents(sql: Sql, tenantId: string, id: string, ids: string[]): Promise<void> {
  await sql`DELETE FROM incident_components WHERE tenant_id = ${tenantId} AND incident_id = ${id}`;
  if (!ids.length) return;
  await sql`
    INSERT INTO incident_components (tenant_id, incident_id, component_id)
    SELECT ${tenantId}, ${id}, unnest(${ids}::uuid[])`;
}

export async function updateIncidentState(
  sql: Sql,
  tenantId: string,
  id: string,
  f: Pick<IncidentRow, "status" | "impact" | "title" | "resolved_at">,
): Promise<void> {
  await sql`
    UPDATE incidents SET status = ${f.status}, impact = ${f.impact}, title = ${f.title}, resolved_at = ${f.resolved_at}
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

export async function insertIncidentUpdate(
  sql: Sql,
  tenantId: string,
  u: { incidentId: string; status: string; body: string; createdBy: string | null; at: Date },
): Promise<void> {
  await sql`
    INSERT INTO incident_updates (tenant_id, incident_id, status, body, created_by, created_at)
    VALUES (${tenantId}, ${u.incidentId}, ${u.status}, ${u.body}, ${u.createdBy}, ${u.at})`;
}

export async function getIncident(
  sql: Sql,
  tenantId: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<IncidentRow | undefined> {
  const [row] = await sql<IncidentRow[]>`
    ${SELECT(sql)} WHERE i.tenant_id = ${tenantId} AND i.id = ${id} ${opts.forUpdate ? sql`FOR UPDATE` : sql``}`;
  return row;
}

/** A page's incidents started since `since` or still open, newest first. */
export async function listPageIncidents(
  sql: Sql,
  tenantId: string,
  pageId: string,
  since: Date,
  limit = 100,
): Promise<IncidentRow[]> {
  return await sql<IncidentRow[]>`
    ${SELECT(sql)} WHERE i.tenant_id = ${tenantId} AND i.page_id = ${pageId}
      AND (i.started_at >= ${since} OR i.resolved_at IS NULL OR i.scheduled_until >= ${since})
    ORDER BY i.started_at DESC, i.id LIMIT ${limit}`;
}

/** The incidents of the pages `pageIds` (the tenant's or a client's), newest first. */
export async function listIncidents(sql: Sql, tenantId: string, pageIds: string[], limit: number) {
  return await sql<IncidentRow[]>`
    ${SELECT(sql)} WHERE i.tenant_id = ${tenantId} AND i.page_id = ANY(${pageIds}::uuid[])
    ORDER BY i.started_at DESC, i.id LIMIT ${limit}`;
}

export async function listUpdates(sql: Sql, tenantId: string, incidentIds: string[]): Promise<IncidentUpdateRow[]> {
  if (!incidentIds.length) return [];
  return await sql<IncidentUpdateRow[]>`
    SELECT id, incident_id, status, body, created_at FROM incident_updates
    WHERE tenant_id = ${tenantId} AND incident_id = ANY(${incidentIds}::uuid[])
    ORDER BY created_at DESC, id`;
}

/** Components (with their page) that show the alert's check: where an incident from the alert goes. */
export async function componentsOfCheck(
  sql: Sql,
  tenantId: string,
  checkId: string,
): Promise<{ component_id: string; page_id: string }[]> {
  return await sql<{ component_id: string; page_id: string }[]>`
    SELECT c.id AS component_id, c.page_id FROM status_component_checks cc
    JOIN status_page_components c ON c.tenant_id = cc.tenant_id AND c.id = cc.component_id
    WHERE cc.tenant_id = ${tenantId} AND cc.check_id = ${checkId}`;
}

/** The page an alert rule opens incidents on by itself, if any. */
export async function incidentPageOfRule(sql: Sql, tenantId: string, ruleId: string): Promise<string | null> {
  const [rule] = await sql<{ incident_page_id: string | null }[]>`
    SELECT incident_page_id FROM alert_rules WHERE tenant_id = ${tenantId} AND id = ${ruleId}`;
  return rule?.incident_page_id ?? null;
}

/** Points the given rules (and only them) at the page for automatic incidents. */
export async function setAutoIncidentRules(sql: Sql, tenantId: string, pageId: string, ruleIds: string[]) {
  await sql`
    UPDATE alert_rules SET incident_page_id = NULL
    WHERE tenant_id = ${tenantId} AND incident_page_id = ${pageId} AND NOT (id = ANY(${ruleIds}::uuid[]))`;
  const r = await sql`
    UPDATE alert_rules SET incident_page_id = ${pageId}
    WHERE tenant_id = ${tenantId} AND id = ANY(${ruleIds}::uuid[])`;
  return r.count;
}
