import type { Sql } from "../client.ts";

export interface WindowInsert {
  tenantId: string;
  projectId: string;
  environment: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
}

export async function insertMaintenanceWindow(sql: Sql, w: WindowInsert): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO maintenance_windows (tenant_id, project_id, environment, title, starts_at, ends_at)
    VALUES (${w.tenantId}, ${w.projectId}, ${w.environment}, ${w.title}, ${w.startsAt}, ${w.endsAt})
    RETURNING id`;
  return row.id;
}

/**
 * Ends a window at `now` if it is still open (a window that already timed out
 * keeps its end). The end stays after the start, as the table requires.
 */
export async function closeMaintenanceWindow(sql: Sql, tenantId: string, id: string, now: Date): Promise<void> {
  await sql`
    UPDATE maintenance_windows SET ends_at = greatest(${now}::timestamptz, starts_at + interval '1 second')
    WHERE tenant_id = ${tenantId} AND id = ${id} AND ends_at > ${now}`;
}

/** A stored window, one-off or recurring (00015); the stored ends_at is 'infinity' for an open series. */
export interface MaintenanceWindowRow {
  id: string;
  tenant_id: string;
  project_id: string | null;
  environment: string | null;
  title: string;
  description: string | null;
  starts_at: Date;
  /** null for a recurring series without COUNT/UNTIL that was not ended */
  ends_at: Date | null;
  rrule: string | null;
  /** local start of the first occurrence, "YYYY-MM-DDTHH:MM:SS" */
  dtstart_local: string | null;
  duration_minutes: number | null;
  timezone: string;
  created_at: Date;
  updated_at: Date;
}

const WINDOW_COLUMNS = (sql: Sql) =>
  sql`id, tenant_id, project_id, environment, title, description, starts_at,
    CASE WHEN isfinite(ends_at) THEN ends_at END AS ends_at, rrule,
    to_char(dtstart_local, 'YYYY-MM-DD"T"HH24:MI:SS') AS dtstart_local, duration_minutes, timezone,
    created_at, updated_at`;

/**
 * Windows of a tenant that may cover one of `projectIds` (or, with null, any
 * project) somewhere in [from, to): tenant-wide ones included. Recurring ones
 * still need expanding (services/maintenance/coverage.ts).
 */
export async function listWindowsOverlapping(
  sql: Sql,
  tenantId: string,
  projectIds: string[] | null,
  from: Date,
  to: Date,
): Promise<MaintenanceWindowRow[]> {
  return await sql<MaintenanceWindowRow[]>`
    SELECT ${WINDOW_COLUMNS(sql)} FROM maintenance_windows
    WHERE tenant_id = ${tenantId} AND starts_at < ${to} AND ends_at > ${from}
      ${projectIds === null ? sql`` : sql`AND (project_id IS NULL OR project_id = ANY(${projectIds}::uuid[]))`}
    ORDER BY starts_at, id`;
}

export interface RecurringWindowInsert {
  tenantId: string;
  projectId: string | null;
  environment: string | null;
  title: string;
  description: string | null;
  startsAt: Date;
  /** null: an open series */
  endsAt: Date | null;
  rrule: string | null;
  dtstartLocal: string | null;
  durationMinutes: number | null;
  timezone: string;
}

export async function insertWindow(sql: Sql, w: RecurringWindowInsert): Promise<MaintenanceWindowRow> {
  const [row] = await sql<MaintenanceWindowRow[]>`
    INSERT INTO maintenance_windows
      (tenant_id, project_id, environment, title, description, starts_at, ends_at, rrule, dtstart_local,
       duration_minutes, timezone)
    VALUES (${w.tenantId}, ${w.projectId}, ${w.environment}, ${w.title}, ${w.description}, ${w.startsAt},
      coalesce(${w.endsAt}::timestamptz, 'infinity'), ${w.rrule}, ${w.dtstartLocal}::timestamp, ${w.durationMinutes},
      ${w.timezone})
    RETURNING ${WINDOW_COLUMNS(sql)}`;
  return row;
}

export async function updateWindow(
  sql: Sql,
  id: string,
  w: RecurringWindowInsert,
): Promise<MaintenanceWindowRow | undefined> {
  const [row] = await sql<MaintenanceWindowRow[]>`
    UPDATE maintenance_windows SET project_id = ${w.projectId}, environment = ${w.environment}, title = ${w.title},
      description = ${w.description}, starts_at = ${w.startsAt}, ends_at = coalesce(${w.endsAt}::timestamptz, 'infinity'),
      rrule = ${w.rrule}, dtstart_local = ${w.dtstartLocal}::timestamp, duration_minutes = ${w.durationMinutes},
      timezone = ${w.timezone}
    WHERE tenant_id = ${w.tenantId} AND id = ${id}
    RETURNING ${WINDOW_COLUMNS(sql)}`;
  return row;
}

/** Ends a window (or a whole series) at `now`; like closeMaintenanceWindow but returns the row. */
export async function endWindow(
  sql: Sql,
  tenantId: string,
  id: string,
  now: Date,
): Promise<MaintenanceWindowRow | undefined> {
  const [row] = await sql<MaintenanceWindowRow[]>`
    UPDATE maintenance_windows SET ends_at = greatest(${now}::timestamptz, starts_at + interval '1 second')
    WHERE tenant_id = ${tenantId} AND id = ${id} AND ends_at > ${now}
    RETURNING ${WINDOW_COLUMNS(sql)}`;
  return row;
}

export async function deleteWindow(sql: Sql, tenantId: string, id: string): Promise<boolean> {
  const rows = await sql`DELETE FROM maintenance_windows WHERE tenant_id = ${tenantId} AND id = ${id} RETURNING id`;
  return rows.length === 1;
}

/**
 * A page of windows in (ends_at DESC, id DESC) order — open series first — for
 * the list API; a client user (clientId) sees their client's projects' windows
 * and tenant-wide ones.
 */
export async function listWindows(
  sql: Sql,
  tenantId: string,
  opts: {
    clientId: string | null;
    projectId?: string;
    state: "current" | "past" | "all";
    now: Date;
    after?: { ends_at: string; id: string };
    limit: number;
  },
): Promise<(MaintenanceWindowRow & { sort_key: string })[]> {
  return await sql<(MaintenanceWindowRow & { sort_key: string })[]>`
    SELECT ${WINDOW_COLUMNS(sql)}, ends_at::text AS sort_key FROM maintenance_windows
    WHERE tenant_id = ${tenantId}
      ${
    opts.clientId
      ? sql`AND (project_id IS NULL OR project_id IN (
          SELECT id FROM projects WHERE tenant_id = ${tenantId} AND client_id = ${opts.clientId}))`
      : sql``
  }
      ${opts.projectId ? sql`AND project_id = ${opts.projectId}` : sql``}
      ${opts.state === "current" ? sql`AND ends_at > ${opts.now}` : sql``}
      ${opts.state === "past" ? sql`AND ends_at <= ${opts.now}` : sql``}
      ${
    opts.after ? sql`AND (ends_at, id) < (${opts.after.ends_at}::text::timestamptz, ${opts.after.id}::uuid)` : sql``
  }
    ORDER BY ends_at DESC, id DESC
    LIMIT ${opts.limit}`;
}

/** One window a client user (clientId) may see: their client's projects' or tenant-wide. */
export async function findVisibleWindow(
  sql: Sql,
  tenantId: string,
  id: string,
  clientId: string | null,
): Promise<MaintenanceWindowRow | undefined> {
  const [row] = await sql<MaintenanceWindowRow[]>`
    SELECT ${WINDOW_COLUMNS(sql)} FROM maintenance_windows
    WHERE tenant_id = ${tenantId} AND id = ${id}
      ${
    clientId
      ? sql`AND (project_id IS NULL OR project_id IN (
          SELECT id FROM projects WHERE tenant_id = ${tenantId} AND client_id = ${clientId}))`
      : sql``
  }`;
  return row;
}
