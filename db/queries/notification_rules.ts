/** Notification rules: which events go to which channel, now or as a digest. */
import type { Sql } from "../client.ts";

export interface RuleRow {
  id: string;
  tenant_id: string;
  project_id: string | null;
  project_name: string | null;
  channel_id: string;
  channel_name: string;
  channel_type: string;
  channel_broken: boolean;
  event_types: string[];
  mode: "immediate" | "digest";
  digest_minutes: number | null;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const ruleColumns = (sql: Sql) =>
  sql`r.id, r.tenant_id, r.project_id, p.name AS project_name, r.channel_id, c.name AS channel_name,
    c.type AS channel_type, c.broken AS channel_broken, r.event_types, r.mode, r.digest_minutes, r.enabled,
    r.created_at, r.updated_at`;

const ruleFrom = (sql: Sql) =>
  sql`notification_rules r
    JOIN notification_channels c ON c.tenant_id = r.tenant_id AND c.id = r.channel_id
    LEFT JOIN projects p ON p.tenant_id = r.tenant_id AND p.id = r.project_id`;

/** Oldest first, then id; `limit + 1` rows for the next-page check. */
export async function listRules(
  sql: Sql,
  tenantId: string,
  f: { channelId?: string; projectId?: string; after?: [string, string]; limit: number },
): Promise<RuleRow[]> {
  return await sql<RuleRow[]>`
    SELECT ${ruleColumns(sql)} FROM ${ruleFrom(sql)}
    WHERE r.tenant_id = ${tenantId}
      ${f.channelId ? sql`AND r.channel_id = ${f.channelId}` : sql``}
      ${f.projectId ? sql`AND r.project_id = ${f.projectId}` : sql``}
      ${f.after ? sql`AND (r.created_at, r.id) > (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)` : sql``}
    ORDER BY r.created_at, r.id
    LIMIT ${f.limit + 1}`;
}

export async function getRule(
  sql: Sql,
  tenantId: string,
  id: string,
  o: { forUpdate?: boolean } = {},
): Promise<RuleRow | undefined> {
  const [row] = await sql<RuleRow[]>`
    SELECT ${ruleColumns(sql)} FROM ${ruleFrom(sql)}
    WHERE r.tenant_id = ${tenantId} AND r.id = ${id}
    ${o.forUpdate ? sql`FOR UPDATE OF r` : sql``}`;
  return row;
}

export interface RuleValues {
  project_id: string | null;
  channel_id: string;
  event_types: string[];
  mode: "immediate" | "digest";
  digest_minutes: number | null;
  enabled: boolean;
}

export async function insertRule(sql: Sql, tenantId: string, v: RuleValues, now: Date): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO notification_rules
      (tenant_id, project_id, channel_id, event_types, mode, digest_minutes, enabled, created_at, updated_at)
    VALUES (${tenantId}, ${v.project_id}, ${v.channel_id}, ${v.event_types}, ${v.mode}, ${v.digest_minutes},
      ${v.enabled}, ${now}, ${now})
    RETURNING id`;
  return row.id;
}

export async function updateRule(sql: Sql, tenantId: string, id: string, v: RuleValues): Promise<void> {
  await sql`
    UPDATE notification_rules SET project_id = ${v.project_id}, channel_id = ${v.channel_id},
      event_types = ${v.event_types}, mode = ${v.mode}, digest_minutes = ${v.digest_minutes}, enabled = ${v.enabled}
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

export async function deleteRule(sql: Sql, tenantId: string, id: string): Promise<void> {
  await sql`DELETE FROM notification_rules WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

/** Whether the channel and the project (when given) exist in the tenant. */
export async function ruleTargetsExist(
  sql: Sql,
  tenantId: string,
  channelId: string,
  projectId: string | null,
): Promise<{ channel: boolean; project: boolean }> {
  const [row] = await sql<{ channel: boolean; project: boolean }[]>`
    SELECT
      EXISTS (SELECT 1 FROM notification_channels WHERE tenant_id = ${tenantId} AND id = ${channelId}) AS channel,
      (${projectId}::uuid IS NULL OR EXISTS (
        SELECT 1 FROM projects WHERE tenant_id = ${tenantId} AND id = ${projectId}::uuid)) AS project`;
  return row;
}

/** The tenant's channels and projects, for the rule form's pickers. */
export async function ruleFormOptions(sql: Sql, tenantId: string) {
  const [channels, projects] = await Promise.all([
    sql<{ id: string; name: string; type: string; broken: boolean }[]>`
      SELECT id, name, type, broken FROM notification_channels WHERE tenant_id = ${tenantId} ORDER BY lower(name), id`,
    sql<{ id: string; name: string }[]>`
      SELECT id, name FROM projects WHERE tenant_id = ${tenantId} AND archived_at IS NULL ORDER BY lower(name), id`,
  ]);
  return { channels, projects };
}

/** The "Notify" rules of one health check (those with check_id), by channel. */
export async function checkNotifyRules(
  sql: Sql,
  tenantId: string,
  checkId: string,
): Promise<{ id: string; channel_id: string }[]> {
  return await sql<{ id: string; channel_id: string }[]>`
    SELECT id, channel_id FROM notification_rules WHERE tenant_id = ${tenantId} AND check_id = ${checkId}
    ORDER BY created_at, id`;
}

export async function insertCheckNotifyRule(
  sql: Sql,
  tenantId: string,
  r: { projectId: string; checkId: string; channelId: string; eventTypes: string[] },
  now: Date,
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO notification_rules (tenant_id, project_id, check_id, channel_id, event_types, created_at, updated_at)
    VALUES (${tenantId}, ${r.projectId}, ${r.checkId}, ${r.channelId}, ${r.eventTypes}, ${now}, ${now})
    RETURNING id`;
  return row.id;
}

export interface NotifyChoice {
  id: string;
  name: string;
  type: string;
  broken: boolean;
  /** Named by an organisation-wide rule for alerts: ticked on a new check's form. */
  org_wide: boolean;
}

/** Every channel of the tenant for the check form's "Notify", broken ones included (the form warns). */
export async function notifyChoices(sql: Sql, tenantId: string): Promise<NotifyChoice[]> {
  return await sql<NotifyChoice[]>`
    SELECT c.id, c.name, c.type, c.broken,
      EXISTS (SELECT 1 FROM notification_rules r WHERE r.tenant_id = c.tenant_id AND r.channel_id = c.id
        AND r.project_id IS NULL AND r.check_id IS NULL AND r.enabled AND 'alert.triggered' = ANY (r.event_types))
        AS org_wide
    FROM notification_channels c WHERE c.tenant_id = ${tenantId}
    ORDER BY c.name, c.id LIMIT 200`;
}

/** A check's Notify rules follow it to another project (fan-out matches the event's project too). */
export async function moveCheckNotifyRules(sql: Sql, tenantId: string, checkId: string, projectId: string) {
  await sql`UPDATE notification_rules SET project_id = ${projectId}
    WHERE tenant_id = ${tenantId} AND check_id = ${checkId} AND project_id IS DISTINCT FROM ${projectId}`;
}
