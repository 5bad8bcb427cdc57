import type { Sql } from "../client.ts";

export const RULE_KINDS = [
  "check_down",
  "check_degraded",
  "heartbeat_missed",
  "certificate_expiring",
  "deployment_failed",
  "metric_threshold",
  "query_threshold",
] as const;
export type RuleKind = typeof RULE_KINDS[number];
export const SEVERITIES = ["info", "warning", "critical"] as const;
export type Severity = typeof SEVERITIES[number];
export const OPERATORS = ["above", "below", "change_percent"] as const;
export type Operator = typeof OPERATORS[number];
export const QUERY_MEASURES = ["value", "row_count"] as const;
export type QueryMeasure = typeof QUERY_MEASURES[number];

export interface AlertRuleRow {
  id: string;
  tenant_id: string;
  project_id: string | null;
  project_name: string | null;
  check_id: string | null;
  check_name: string | null;
  name: string;
  kind: RuleKind;
  severity: Severity;
  enabled: boolean;
  metric_type: string | null;
  operator: Operator | null;
  threshold: number | null;
  window_seconds: number | null;
  days_before: number | null;
  environment: string | null;
  repeat_interval_minutes: number | null;
  escalate_after_minutes: number | null;
  escalation_channel_id: string | null;
  escalation_channel_name: string | null;
  query_id: string | null;
  query_name: string | null;
  query_measure: QueryMeasure | null;
  query_parameters: Record<string, unknown> | null;
  interval_seconds: number | null;
  last_value: number | null;
  last_error: string | null;
  last_evaluated_at: Date | null;
  next_run_at: Date;
  created_at: Date;
  updated_at: Date;
}

/** The columns a caller sets; everything else is the database's. */
export const RULE_FIELDS = [
  "project_id",
  "check_id",
  "name",
  "kind",
  "severity",
  "enabled",
  "metric_type",
  "operator",
  "threshold",
  "window_seconds",
  "days_before",
  "environment",
  "repeat_interval_minutes",
  "escalate_after_minutes",
  "escalation_channel_id",
  "query_id",
  "query_measure",
  "query_parameters",
  "interval_seconds",
] as const;
export type RuleFields = Pick<AlertRuleRow, typeof RULE_FIELDS[number]>;

const ruleColumns = (sql: Sql) =>
  sql`r.id, r.tenant_id, r.project_id, p.name AS project_name, r.check_id, hc.name AS check_name, r.name, r.kind,
      r.severity, r.enabled, r.metric_type, r.operator, r.threshold, r.window_seconds, r.days_before, r.environment,
      r.repeat_interval_minutes, r.escalate_after_minutes, r.escalation_channel_id, nc.name AS escalation_channel_name,
      r.query_id, sq.name AS query_name, r.query_measure, r.query_parameters, r.interval_seconds, r.last_value,
      r.last_error, r.last_evaluated_at, r.next_run_at, r.created_at, r.updated_at`;

const ruleFrom = (sql: Sql) =>
  sql`alert_rules r
      LEFT JOIN projects p ON p.tenant_id = r.tenant_id AND p.id = r.project_id
      LEFT JOIN health_checks hc ON hc.tenant_id = r.tenant_id AND hc.id = r.check_id
      LEFT JOIN notification_channels nc ON nc.tenant_id = r.tenant_id AND nc.id = r.escalation_channel_id
      LEFT JOIN saved_queries sq ON sq.tenant_id = r.tenant_id AND sq.id = r.query_id`;

export interface RuleFilter {
  projectId?: string;
  kind?: RuleKind;
  enabled?: boolean;
  /** Keyset cursor: (created_at, id) of the last row of the previous page; newest first. */
  after?: [Date, string];
  limit: number;
}

/** A tenant's rules, newest first; fetches `limit + 1` rows for the next-page test. */
export async function listAlertRules(sql: Sql, tenantId: string, f: RuleFilter): Promise<AlertRuleRow[]> {
  return await sql<AlertRuleRow[]>`
    SELECT ${ruleColumns(sql)}
    FROM ${ruleFrom(sql)}
    WHERE r.tenant_id = ${tenantId}
      ${f.projectId ? sql`AND r.project_id = ${f.projectId}` : sql``}
      ${f.kind ? sql`AND r.kind = ${f.kind}` : sql``}
      ${f.enabled !== undefined ? sql`AND r.enabled = ${f.enabled}` : sql``}
      ${f.after ? sql`AND (r.created_at, r.id) < (${f.after[0]}, ${f.after[1]}::uuid)` : sql``}
    ORDER BY r.created_at DESC, r.id DESC
    LIMIT ${f.limit + 1}`;
}

export async function getAlertRule(
  sql: Sql,
  tenantId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<AlertRuleRow | undefined> {
  const [row] = await sql<AlertRuleRow[]>`
    SELECT ${ruleColumns(sql)}
    FROM ${ruleFrom(sql)}
    WHERE r.id = ${id} AND r.tenant_id = ${tenantId}
    ${options.forUpdate ? sql`FOR UPDATE OF r` : sql``}`;
  return row;
}

/** The row as postgres.js writes it: the parameters object as jsonb. */
const stored = (sql: Sql, r: RuleFields): Record<string, unknown> => ({
  ...r,
  query_parameters: r.query_parameters === null ? null : sql.json(r.query_parameters as never),
});

export async function insertAlertRule(sql: Sql, tenantId: string, r: RuleFields, now: Date): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO alert_rules ${
    sql(
      { ...stored(sql, r), tenant_id: tenantId, created_at: now, next_run_at: now } as never,
      ...RULE_FIELDS,
      "tenant_id",
      "created_at",
      "next_run_at",
    )
  }
    RETURNING id`;
  return row.id;
}

/** Writes every settable column (the service merged the patch); a metric rule is due again at once. */
export async function updateAlertRule(sql: Sql, tenantId: string, id: string, r: RuleFields): Promise<boolean> {
  const rows = await sql`
    UPDATE alert_rules SET ${sql(stored(sql, r) as never, ...RULE_FIELDS)}, next_run_at = least(next_run_at, now())
    WHERE id = ${id} AND tenant_id = ${tenantId}
    RETURNING id`;
  return rows.length === 1;
}

export async function deleteAlertRule(sql: Sql, tenantId: string, id: string): Promise<boolean> {
  const rows = await sql`DELETE FROM alert_rules WHERE id = ${id} AND tenant_id = ${tenantId} RETURNING id`;
  return rows.length === 1;
}

/** Enabled rules of these kinds that watch an event's project (or the tenant) and check. */
export async function rulesForEvent(
  sql: Sql,
  tenantId: string,
  kinds: readonly RuleKind[],
  projectId: string | null,
  checkId: string | null,
): Promise<AlertRuleRow[]> {
  return await sql<AlertRuleRow[]>`
    SELECT ${ruleColumns(sql)}
    FROM ${ruleFrom(sql)}
    WHERE r.tenant_id = ${tenantId} AND r.enabled AND r.kind = ANY(${kinds as string[]}::text[])
      AND (r.project_id IS NULL OR r.project_id = ${projectId})
      AND (r.check_id IS NULL OR r.check_id = ${checkId})`;
}

/**
 * Claims due metric and query rules across tenants (the evaluator's queue):
 * pushes next_run_at one interval ahead (a query rule's own interval, a metric
 * rule's the evaluator's) and takes a lease, so a crashed evaluator's rules come
 * back when the lease ends and a failing rule is not retried in a loop.
 */
export async function claimDueMetricRules(
  sql: Sql,
  o: { now: Date; intervalSeconds: number; leaseSeconds: number; instanceId: string; limit: number },
): Promise<{ id: string; tenant_id: string }[]> {
  return await sql<{ id: string; tenant_id: string }[]>`
    UPDATE alert_rules r
    SET next_run_at = ${o.now}::timestamptz + make_interval(secs => coalesce(r.interval_seconds, ${o.intervalSeconds})),
        claimed_until = ${o.now}::timestamptz + make_interval(secs => ${o.leaseSeconds}),
        claimed_by = ${o.instanceId}
    WHERE r.id IN (
      SELECT id FROM alert_rules
      WHERE enabled AND kind IN ('metric_threshold', 'query_threshold') AND next_run_at <= ${o.now}
        AND (claimed_until IS NULL OR claimed_until < ${o.now})
      ORDER BY next_run_at
      LIMIT ${o.limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING r.id, r.tenant_id`;
}

export async function releaseRule(sql: Sql, tenantId: string, id: string): Promise<void> {
  await sql`UPDATE alert_rules SET claimed_until = NULL, claimed_by = NULL WHERE id = ${id} AND tenant_id = ${tenantId}`;
}

/** Projects with points of `type` in [from, to): the subjects of a tenant-wide metric rule. */
export async function projectsWithMetric(
  sql: Sql,
  tenantId: string,
  type: string,
  from: Date,
  to: Date,
): Promise<{ id: string; name: string }[]> {
  return await sql<{ id: string; name: string }[]>`
    SELECT p.id, p.name FROM projects p
    WHERE p.tenant_id = ${tenantId} AND EXISTS (
      SELECT 1 FROM metric_snapshots m
      WHERE m.tenant_id = ${tenantId} AND m.project_id = p.id AND m.type = ${type}
        AND m.recorded_at >= ${from} AND m.recorded_at < ${to})`;
}

/** Average of a project's metric over [from, to); null without points. */
export async function metricAverage(
  sql: Sql,
  tenantId: string,
  projectId: string,
  type: string,
  from: Date,
  to: Date,
): Promise<number | null> {
  const [row] = await sql<{ avg: number | null }[]>`
    SELECT avg(value)::float8 AS avg FROM metric_snapshots
    WHERE tenant_id = ${tenantId} AND project_id = ${projectId} AND type = ${type}
      AND recorded_at >= ${from} AND recorded_at < ${to}`;
  return row.avg;
}

/** Existence checks for a rule's references, in the tenant: a check (of the project when given), a channel. */
export async function checkBelongs(sql: Sql, tenantId: string, checkId: string, projectId: string | null) {
  const [row] = await sql<{ project_id: string }[]>`
    SELECT project_id FROM health_checks WHERE id = ${checkId} AND tenant_id = ${tenantId}`;
  return Boolean(row) && (projectId === null || row.project_id === projectId);
}

/** The condition fields: two rules equal on all of them would open the same alert twice. */
export const CONDITION_FIELDS = [
  "kind",
  "project_id",
  "check_id",
  "metric_type",
  "operator",
  "threshold",
  "window_seconds",
  "days_before",
  "environment",
  "query_id",
  "query_measure",
  "query_parameters",
] as const satisfies readonly (keyof RuleFields)[];

/** Another rule of the tenant watching the same condition (`exceptId`: the rule being edited). */
export async function findIdenticalRule(
  sql: Sql,
  tenantId: string,
  r: RuleFields,
  exceptId: string | null,
): Promise<{ id: string; name: string } | undefined> {
  const value = (f: typeof CONDITION_FIELDS[number]) =>
    f === "query_parameters" && r[f] !== null ? sql`${sql.json(r[f] as never)}::jsonb` : sql`${r[f] as never}`;
  const same = CONDITION_FIELDS.map((f) => sql`AND ${sql(f)} IS NOT DISTINCT FROM ${value(f)}`);
  const [row] = await sql<{ id: string; name: string }[]>`
    SELECT id, name FROM alert_rules
    WHERE tenant_id = ${tenantId} AND enabled ${exceptId ? sql`AND id <> ${exceptId}` : sql``} ${same}
    LIMIT 1`;
  return row;
}

export async function channelExists(sql: Sql, tenantId: string, channelId: string): Promise<boolean> {
  const rows = await sql`SELECT 1 FROM notification_channels WHERE id = ${channelId} AND tenant_id = ${tenantId}`;
  return rows.length === 1;
}

export interface RuleFormOptions {
  projects: { id: string; name: string }[];
  checks: { id: string; name: string; project_name: string }[];
  channels: { id: string; name: string; type: string }[];
  /** Saved queries the user may read (query_threshold rules). */
  queries: { id: string; name: string }[];
}

/** What the rule form offers to pick from: the tenant's live projects, checks and channels, the user's queries. */
export async function ruleFormOptions(sql: Sql, tenantId: string, userId?: string): Promise<RuleFormOptions> {
  const projects = await sql<{ id: string; name: string }[]>`
    SELECT id, name FROM projects WHERE tenant_id = ${tenantId} AND archived_at IS NULL ORDER BY name LIMIT 500`;
  const checks = await sql<{ id: string; name: string; project_name: string }[]>`
    SELECT hc.id, hc.name, p.name AS project_name
    FROM health_checks hc JOIN projects p ON p.tenant_id = hc.tenant_id AND p.id = hc.project_id
    WHERE hc.tenant_id = ${tenantId} ORDER BY p.name, hc.name LIMIT 1000`;
  const channels = await sql<{ id: string; name: string; type: string }[]>`
    SELECT id, name, type FROM notification_channels WHERE tenant_id = ${tenantId} ORDER BY name LIMIT 500`;
  const queries = userId
    ? await sql<{ id: string; name: string }[]>`
      SELECT id, name FROM saved_queries WHERE tenant_id = ${tenantId} AND (is_public OR created_by = ${userId})
      ORDER BY lower(name), id LIMIT 500`
    : [];
  return { projects: [...projects], checks: [...checks], channels: [...channels], queries: [...queries] };
}
