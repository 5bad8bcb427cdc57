/** Dashboards, their widgets, grants and versions. */
import type { Sql } from "../client.ts";

export interface DashboardRow {
  id: string;
  tenant_id: string;
  owner_id: string | null;
  name: string;
  description: string | null;
  tags: string[];
  filters: Record<string, unknown>;
  refresh_seconds: number;
  is_public: boolean;
  public_editable: string[];
  version: number;
  published_version: number | null;
  published_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type DashboardWrite = Pick<DashboardRow, "name" | "description" | "tags" | "filters" | "refresh_seconds">;

export interface WidgetRow {
  id: string;
  tenant_id: string;
  dashboard_id: string;
  type: string;
  title: string;
  query: string;
  data_source_id: string | null;
  saved_query_id: string | null;
  config: Record<string, unknown>;
  pos_x: number;
  pos_y: number;
  pos_w: number;
  pos_h: number;
  created_at: Date;
  updated_at: Date;
}

export type WidgetWrite = Pick<
  WidgetRow,
  "type" | "title" | "query" | "data_source_id" | "saved_query_id" | "config" | "pos_x" | "pos_y" | "pos_w" | "pos_h"
>;
export type Position = Pick<WidgetRow, "id" | "pos_x" | "pos_y" | "pos_w" | "pos_h">;

export interface GrantRow {
  id: string;
  dashboard_id: string;
  user_id: string | null;
  role_id: string | null;
  level: "view" | "edit" | "share" | "admin";
  granted_by: string | null;
  granted_at: Date;
  /** The user's e-mail or the role's name. */
  grantee: string;
}

const dashboardColumns = (sql: Sql) =>
  sql`d.id, d.tenant_id, d.owner_id, d.name, d.description, d.tags, d.filters, d.refresh_seconds, d.is_public,
      d.public_editable, d.version, d.published_version, d.published_at, d.created_at, d.updated_at`;
const widgetColumns = (sql: Sql) =>
  sql`id, tenant_id, dashboard_id, type, title, query, data_source_id, saved_query_id, config, pos_x, pos_y, pos_w,
      pos_h, created_at, updated_at`;

/** Who sees a dashboard beyond the tenant's editors: its owner and grants to the user or their role. */
export interface Viewer {
  userId: string;
  roleId: string;
  /** true: every dashboard of the tenant (admins and employees); false: owned or granted only (clients). */
  seesAll: boolean;
}

const LEVEL_RANK = (sql: Sql) => sql`CASE level WHEN 'view' THEN 1 WHEN 'edit' THEN 2 WHEN 'share' THEN 3 ELSE 4 END`;

export async function insertDashboard(
  sql: Sql,
  d: DashboardWrite & { tenantId: string; ownerId: string; now: Date },
): Promise<DashboardRow> {
  const [row] = await sql<DashboardRow[]>`
    INSERT INTO dashboards AS d (tenant_id, owner_id, name, description, tags, filters, refresh_seconds, created_at,
                                 updated_at)
    VALUES (${d.tenantId}, ${d.ownerId}, ${d.name}, ${d.description}, ${d.tags}, ${sql.json(d.filters as never)},
            ${d.refresh_seconds}, ${d.now}, ${d.now})
    RETURNING ${dashboardColumns(sql)}`;
  return row;
}

/** The highest level `v` holds through a grant (0: none). */
const grantRank = (sql: Sql, v: Viewer) =>
  sql`(SELECT coalesce(max(${LEVEL_RANK(sql)}), 0) FROM dashboard_permissions g
       WHERE g.tenant_id = d.tenant_id AND g.dashboard_id = d.id AND (g.user_id = ${v.userId} OR g.role_id = ${v.roleId}))`;

export async function listDashboards(
  sql: Sql,
  tenantId: string,
  v: Viewer,
  f: { search?: string; sharedWithMe?: boolean; limit: number },
): Promise<(DashboardRow & { widget_count: number; grant_rank: number })[]> {
  const pattern = f.search ? `%${f.search.replace(/[\\%_]/g, (m) => "\\" + m)}%` : null;
  return await sql<(DashboardRow & { widget_count: number; grant_rank: number })[]>`
    SELECT ${dashboardColumns(sql)},
           CASE WHEN d.owner_id = ${v.userId} THEN 4 ELSE ${grantRank(sql, v)} END AS grant_rank,
           (SELECT count(*)::int FROM widgets w WHERE w.tenant_id = d.tenant_id AND w.dashboard_id = d.id) AS widget_count
    FROM dashboards d
    WHERE d.tenant_id = ${tenantId}
      ${
    f.sharedWithMe
      ? sql`AND ${grantRank(sql, v)} > 0`
      : v.seesAll
      ? sql``
      : sql`AND (d.owner_id = ${v.userId} OR ${grantRank(sql, v)} > 0)`
  }
      ${
    pattern
      ? sql`AND (d.name ILIKE ${pattern} OR d.description ILIKE ${pattern} OR ${
        f.search!.toLowerCase()
      } = ANY (d.tags))`
      : sql``
  }
    ORDER BY lower(d.name), d.id
    LIMIT ${f.limit}`;
}

/** The dashboard and the viewer's level on it: 4 owner/admin grant … 1 view, 0 none. */
export async function getDashboard(
  sql: Sql,
  tenantId: string,
  id: string,
  v: Viewer,
  opts: { forUpdate?: boolean } = {},
): Promise<(DashboardRow & { grant_rank: number }) | undefined> {
  const [row] = await sql<(DashboardRow & { grant_rank: number })[]>`
    SELECT ${dashboardColumns(sql)},
           CASE WHEN d.owner_id = ${v.userId} THEN 4 ELSE ${grantRank(sql, v)} END AS grant_rank
    FROM dashboards d WHERE d.tenant_id = ${tenantId} AND d.id = ${id}
    ${opts.forUpdate ? sql`FOR UPDATE OF d` : sql``}`;
  return row;
}

export async function getDashboardByTokenHash(sql: Sql, hash: Uint8Array): Promise<DashboardRow | undefined> {
  const [row] = await sql<DashboardRow[]>`
    SELECT ${dashboardColumns(sql)} FROM dashboards d WHERE d.public_token_hash = ${hash} AND d.is_public`;
  return row;
}

export async function updateDashboard(
  sql: Sql,
  tenantId: string,
  id: string,
  d: DashboardWrite,
): Promise<DashboardRow> {
  const [row] = await sql<DashboardRow[]>`
    UPDATE dashboards d SET name = ${d.name}, description = ${d.description}, tags = ${d.tags},
      filters = ${sql.json(d.filters as never)}, refresh_seconds = ${d.refresh_seconds}
    WHERE d.tenant_id = ${tenantId} AND d.id = ${id}
    RETURNING ${dashboardColumns(sql)}`;
  return row;
}

export async function bumpVersion(sql: Sql, tenantId: string, id: string): Promise<number> {
  const [row] = await sql<{ version: number }[]>`
    UPDATE dashboards SET version = version + 1 WHERE tenant_id = ${tenantId} AND id = ${id} RETURNING version`;
  return row.version;
}

export async function setPublished(sql: Sql, tenantId: string, id: string, version: number, at: Date) {
  await sql`UPDATE dashboards SET published_version = ${version}, published_at = ${at}
            WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

export async function setPublicToken(
  sql: Sql,
  tenantId: string,
  id: string,
  hash: Uint8Array | null,
  editable: string[],
) {
  await sql`UPDATE dashboards SET is_public = ${hash !== null}, public_token_hash = ${hash},
              public_editable = ${editable}
            WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

export async function deleteDashboard(sql: Sql, tenantId: string, id: string): Promise<void> {
  await sql`DELETE FROM dashboards WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

export async function listWidgets(sql: Sql, tenantId: string, dashboardId: string): Promise<WidgetRow[]> {
  return await sql<WidgetRow[]>`
    SELECT ${widgetColumns(sql)} FROM widgets WHERE tenant_id = ${tenantId} AND dashboard_id = ${dashboardId}
    ORDER BY pos_y, pos_x, id`;
}

export async function countWidgets(sql: Sql, tenantId: string, dashboardId: string): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM widgets WHERE tenant_id = ${tenantId} AND dashboard_id = ${dashboardId}`;
  return n;
}

export async function insertWidget(
  sql: Sql,
  w: WidgetWrite & { tenantId: string; dashboardId: string; now: Date },
): Promise<WidgetRow> {
  const [row] = await sql<WidgetRow[]>`
    INSERT INTO widgets (tenant_id, dashboard_id, type, title, query, data_source_id, saved_query_id, config, pos_x,
                         pos_y, pos_w, pos_h, created_at, updated_at)
    VALUES (${w.tenantId}, ${w.dashboardId}, ${w.type}, ${w.title}, ${w.query}, ${w.data_source_id},
            ${w.saved_query_id}, ${sql.json(w.config as never)}, ${w.pos_x}, ${w.pos_y}, ${w.pos_w}, ${w.pos_h},
            ${w.now}, ${w.now})
    RETURNING ${widgetColumns(sql)}`;
  return row;
}

export async function updateWidget(
  sql: Sql,
  tenantId: string,
  id: string,
  w: WidgetWrite,
): Promise<WidgetRow> {
  const [row] = await sql<WidgetRow[]>`
    UPDATE widgets SET type = ${w.type}, title = ${w.title}, query = ${w.query}, data_source_id = ${w.data_source_id},
      saved_query_id = ${w.saved_query_id}, config = ${sql.json(w.config as never)}, pos_x = ${w.pos_x},
      pos_y = ${w.pos_y}, pos_w = ${w.pos_w}, pos_h = ${w.pos_h}
    WHERE tenant_id = ${tenantId} AND id = ${id}
    RETURNING ${widgetColumns(sql)}`;
  return row;
}

export async function deleteWidgets(sql: Sql, tenantId: string, dashboardId: string, ids?: string[]) {
  await sql`DELETE FROM widgets WHERE tenant_id = ${tenantId} AND dashboard_id = ${dashboardId}
            ${ids ? sql`AND id = ANY (${ids}::uuid[])` : sql``}`;
}

/** All positions in one statement. */
export async function setPositions(sql: Sql, tenantId: string, dashboardId: string, positions: Position[]) {
  if (positions.length === 0) return;
  const rows = positions.map((p) => [p.id, p.pos_x, p.pos_y, p.pos_w, p.pos_h]);
  await sql`
    UPDATE widgets w SET pos_x = v.x::int, pos_y = v.y::int, pos_w = v.w::int, pos_h = v.h::int
    FROM (VALUES ${sql(rows as never)}) AS v (id, x, y, w, h)
    WHERE w.tenant_id = ${tenantId} AND w.dashboard_id = ${dashboardId} AND w.id = v.id::uuid`;
}

export async function listGrants(sql: Sql, tenantId: string, dashboardId: string): Promise<GrantRow[]> {
  return await sql<GrantRow[]>`
    SELECT g.id, g.dashboard_id, g.user_id, g.role_id, g.level, g.granted_by, g.granted_at,
           coalesce(u.email, r.name) AS grantee
    FROM dashboard_permissions g
    LEFT JOIN users u ON u.tenant_id = g.tenant_id AND u.id = g.user_id
    LEFT JOIN roles r ON r.id = g.role_id
    WHERE g.tenant_id = ${tenantId} AND g.dashboard_id = ${dashboardId}
    ORDER BY grantee, g.id`;
}

export async function replaceGrants(
  sql: Sql,
  tenantId: string,
  dashboardId: string,
  grants: { user_id: string | null; role_id: string | null; level: string }[],
  by: string,
  now: Date,
) {
  await sql`DELETE FROM dashboard_permissions WHERE tenant_id = ${tenantId} AND dashboard_id = ${dashboardId}`;
  for (const g of grants) {
    await sql`
      INSERT INTO dashboard_permissions (tenant_id, dashboard_id, user_id, role_id, level, granted_by, granted_at)
      VALUES (${tenantId}, ${dashboardId}, ${g.user_id}, ${g.role_id}, ${g.level}, ${by}, ${now})`;
  }
}

export async function insertVersion(
  sql: Sql,
  v: { tenantId: string; dashboardId: string; version: number; snapshot: unknown; by: string | null; now: Date },
) {
  await sql`
    INSERT INTO dashboard_versions (tenant_id, dashboard_id, version, snapshot, created_by, created_at)
    VALUES (${v.tenantId}, ${v.dashboardId}, ${v.version}, ${sql.json(v.snapshot as never)}, ${v.by}, ${v.now})`;
}

export interface VersionRow {
  version: number;
  snapshot: Record<string, unknown>;
  created_by: string | null;
  author: string | null;
  created_at: Date;
}

export async function listVersions(sql: Sql, tenantId: string, dashboardId: string): Promise<VersionRow[]> {
  return await sql<VersionRow[]>`
    SELECT v.version, v.snapshot, v.created_by, u.email AS author, v.created_at
    FROM dashboard_versions v LEFT JOIN users u ON u.tenant_id = v.tenant_id AND u.id = v.created_by
    WHERE v.tenant_id = ${tenantId} AND v.dashboard_id = ${dashboardId}
    ORDER BY v.version DESC LIMIT 200`;
}

export async function getVersion(
  sql: Sql,
  tenantId: string,
  dashboardId: string,
  version: number,
): Promise<VersionRow | undefined> {
  const [row] = await sql<VersionRow[]>`
    SELECT v.version, v.snapshot, v.created_by, null AS author, v.created_at FROM dashboard_versions v
    WHERE v.tenant_id = ${tenantId} AND v.dashboard_id = ${dashboardId} AND v.version = ${version}`;
  return row;
}

/** Users and roles of the tenant a grant may name, by e-mail / name. */
export async function findGrantees(sql: Sql, tenantId: string, emails: string[], roles: string[]) {
  const users = emails.length
    ? await sql<{ id: string; email: string }[]>`
      SELECT id, email FROM users WHERE tenant_id = ${tenantId} AND lower(email) = ANY (${
      emails.map((e) => e.toLowerCase())
    })`
    : [];
  const roleRows = roles.length
    ? await sql<{ id: string; name: string }[]>`
      SELECT id, name FROM roles WHERE (tenant_id = ${tenantId} OR tenant_id IS NULL) AND name = ANY (${roles})`
    : [];
  return { users, roles: roleRows };
}

/** Saved queries by id → their and their source's names (exports name them, ids differ between installs). */
export async function savedQueryNames(sql: Sql, tenantId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return await sql<{ id: string; name: string; source: string }[]>`
    SELECT s.id, s.name, ds.name AS source FROM saved_queries s
    JOIN data_sources ds ON ds.tenant_id = s.tenant_id AND ds.id = s.data_source_id
    WHERE s.tenant_id = ${tenantId} AND s.id = ANY (${ids}::uuid[])`;
}

/** A saved query visible to `userId`, found by its source's name and its own. */
export async function findSavedQueryByNames(
  sql: Sql,
  tenantId: string,
  userId: string,
  source: string,
  name: string,
): Promise<{ id: string; data_source_id: string } | undefined> {
  const [row] = await sql<{ id: string; data_source_id: string }[]>`
    SELECT s.id, s.data_source_id FROM saved_queries s
    JOIN data_sources ds ON ds.tenant_id = s.tenant_id AND ds.id = s.data_source_id
    WHERE s.tenant_id = ${tenantId} AND lower(ds.name) = lower(${source}) AND s.name = ${name}
      AND (s.is_public OR s.created_by = ${userId})
    ORDER BY s.created_at LIMIT 1`;
  return row;
}
