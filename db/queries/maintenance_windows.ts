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
