/**
 * The conditions behind the quick-win rules (services/insights/quick_wins/rules/),
 * one query each, over one tenant's rows on the owner connection (the worker
 * names tenant_id in every statement). Each returns the subjects the
 * condition holds for, with what the wording needs.
 */
import type { Sql } from "../client.ts";

export interface Finding {
  subject_id: string;
  project_id: string | null;
  name: string;
  /** A number the wording uses (days, count); 0 when none. */
  n: number;
}

/** Checks not paused with no enabled alert rule that would open an alert when they fail. */
export function checksWithoutAlertRule(sql: Sql, tenantId: string): Promise<Finding[]> {
  return sql<Finding[]>`
    SELECT hc.id AS subject_id, hc.project_id, hc.name, 0 AS n
    FROM health_checks hc
    WHERE hc.tenant_id = ${tenantId} AND NOT hc.paused AND NOT EXISTS (
      SELECT 1 FROM alert_rules r
      WHERE r.tenant_id = hc.tenant_id AND r.enabled
        AND r.kind = CASE WHEN hc.type = 'heartbeat' THEN 'heartbeat_missed' ELSE 'check_down' END
        AND (r.project_id IS NULL OR r.project_id = hc.project_id) AND (r.check_id IS NULL OR r.check_id = hc.id))`;
}

export function brokenChannels(sql: Sql, tenantId: string): Promise<Finding[]> {
  return sql<Finding[]>`
    SELECT id AS subject_id, NULL::uuid AS project_id, name, 0 AS n
    FROM notification_channels WHERE tenant_id = ${tenantId} AND broken`;
}

/** Checks that went down more than `times` times in the 7 days before `now`. */
export function flappingChecks(sql: Sql, tenantId: string, now: Date, times: number): Promise<Finding[]> {
  return sql<Finding[]>`
    SELECT hc.id AS subject_id, hc.project_id, hc.name, count(*)::int AS n
    FROM events e JOIN health_checks hc ON hc.tenant_id = e.tenant_id AND hc.id = e.subject_id
    WHERE e.tenant_id = ${tenantId} AND e.type IN ('health_check.down', 'heartbeat.missed')
      AND e.created_at >= ${now}::timestamptz - interval '7 days' AND e.created_at < ${now}
    GROUP BY hc.id, hc.project_id, hc.name HAVING count(*) > ${times}`;
}

export function certificatesExpiring(sql: Sql, tenantId: string, now: Date, days: number): Promise<Finding[]> {
  return sql<Finding[]>`
    SELECT id AS subject_id, project_id, name,
           greatest(0, floor(extract(epoch FROM cert_expires_at - ${now}::timestamptz) / 86400))::int AS n
    FROM health_checks
    WHERE tenant_id = ${tenantId} AND NOT paused AND cert_expires_at IS NOT NULL
      AND cert_expires_at < ${now}::timestamptz + make_interval(days => ${days})`;
}

export function heartbeatsWithoutBounds(sql: Sql, tenantId: string): Promise<Finding[]> {
  return sql<Finding[]>`
    SELECT id AS subject_id, project_id, name, 0 AS n
    FROM health_checks
    WHERE tenant_id = ${tenantId} AND type = 'heartbeat' AND NOT paused
      AND min_duration_ms IS NULL AND max_duration_ms IS NULL`;
}

export function projectsWithoutDeployments(sql: Sql, tenantId: string): Promise<Finding[]> {
  return sql<Finding[]>`
    SELECT p.id AS subject_id, p.id AS project_id, p.name, 0 AS n
    FROM projects p
    WHERE p.tenant_id = ${tenantId} AND p.archived_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM deployments d WHERE d.tenant_id = p.tenant_id AND d.project_id = p.id)`;
}

/** Signed or active SOWs with no SLA target: their clients get no SLA statement (docs/sla.md). */
export function sowsWithoutSlaTargets(sql: Sql, tenantId: string): Promise<Finding[]> {
  return sql<Finding[]>`
    SELECT s.id AS subject_id, s.project_id, s.title AS name, 0 AS n
    FROM sows s
    WHERE s.tenant_id = ${tenantId} AND s.status IN ('signed', 'active')
      AND NOT EXISTS (SELECT 1 FROM sla_targets t WHERE t.tenant_id = s.tenant_id AND t.sow_id = s.id)`;
}

/** Rules with at least `minimum` alerts in 30 days, every one resolved within 5 minutes and never acknowledged. */
export function rulesThatOnlyBlip(sql: Sql, tenantId: string, now: Date, minimum: number): Promise<Finding[]> {
  return sql<Finding[]>`
    SELECT r.id AS subject_id, r.project_id, r.name, count(*)::int AS n
    FROM alert_rules r JOIN alerts a ON a.tenant_id = r.tenant_id AND a.rule_id = r.id
    WHERE r.tenant_id = ${tenantId} AND r.enabled
      AND a.triggered_at >= ${now}::timestamptz - interval '30 days' AND a.triggered_at < ${now}
    GROUP BY r.id, r.project_id, r.name
    HAVING count(*) >= ${minimum} AND bool_and(
      a.acknowledged_at IS NULL AND a.resolved_at IS NOT NULL AND a.resolved_at <= a.triggered_at + interval '5 minutes')`;
}

export function apiKeysUnused(sql: Sql, tenantId: string, now: Date, days: number): Promise<Finding[]> {
  return sql<Finding[]>`
    SELECT id AS subject_id, NULL::uuid AS project_id, name,
           floor(extract(epoch FROM ${now}::timestamptz - coalesce(last_used_at, created_at)) / 86400)::int AS n
    FROM api_keys
    WHERE tenant_id = ${tenantId} AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${now})
      AND coalesce(last_used_at, created_at) < ${now}::timestamptz - make_interval(days => ${days})`;
}

export function idleAdmins(sql: Sql, tenantId: string, now: Date, days: number): Promise<Finding[]> {
  return sql<Finding[]>`
    SELECT u.id AS subject_id, NULL::uuid AS project_id, coalesce(u.name, u.email) AS name,
           floor(extract(epoch FROM ${now}::timestamptz - coalesce(u.last_login_at, u.created_at)) / 86400)::int AS n
    FROM users u JOIN roles r ON r.id = u.role_id
    WHERE u.tenant_id = ${tenantId} AND u.status = 'active' AND r.name = 'admin' AND r.tenant_id IS NULL
      AND coalesce(u.last_login_at, u.created_at) < ${now}::timestamptz - make_interval(days => ${days})`;
}

/** Paused checks untouched (updated_at: a paused check is not probed, so nothing else moves it) for `days`. */
export function forgottenPausedChecks(sql: Sql, tenantId: string, now: Date, days: number): Promise<Finding[]> {
  return sql<Finding[]>`
    SELECT id AS subject_id, project_id, name,
           floor(extract(epoch FROM ${now}::timestamptz - updated_at) / 86400)::int AS n
    FROM health_checks
    WHERE tenant_id = ${tenantId} AND paused AND updated_at < ${now}::timestamptz - make_interval(days => ${days})`;
}
