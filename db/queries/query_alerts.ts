/** Query-threshold rules' evaluations: the rule's last outcome and query_alert_history. */
import type { Sql } from "../client.ts";

export interface QueryEvaluation {
  tenantId: string;
  ruleId: string;
  at: Date;
  /** The number read (null when the query failed or gave none). */
  value: number | null;
  conditionMet: boolean;
  notificationSent: boolean;
  error: string | null;
}

export interface QueryAlertHistoryRow {
  evaluated_at: Date;
  condition_met: boolean;
  value: number | null;
  notification_sent: boolean;
  error_message: string | null;
}

/** Keeps the evaluation on the rule (a failure keeps the last good value for change_percent) and in the history. */
export async function recordQueryEvaluation(sql: Sql, e: QueryEvaluation): Promise<void> {
  const error = e.error === null ? null : e.error.slice(0, 2000);
  await sql`
    UPDATE alert_rules
    SET last_evaluated_at = ${e.at}, last_error = ${error}, last_value = coalesce(${e.value}::float8, last_value)
    WHERE tenant_id = ${e.tenantId} AND id = ${e.ruleId}`;
  await sql`
    INSERT INTO query_alert_history (tenant_id, alert_rule_id, evaluated_at, condition_met, value, notification_sent,
                                     error_message)
    VALUES (${e.tenantId}, ${e.ruleId}, ${e.at}, ${e.conditionMet}, ${e.value}, ${e.notificationSent}, ${error})`;
}

/** A rule's latest evaluations, newest first. */
export async function listQueryAlertHistory(
  sql: Sql,
  tenantId: string,
  ruleId: string,
  limit: number,
): Promise<QueryAlertHistoryRow[]> {
  return await sql<QueryAlertHistoryRow[]>`
    SELECT evaluated_at, condition_met, value, notification_sent, error_message FROM query_alert_history
    WHERE tenant_id = ${tenantId} AND alert_rule_id = ${ruleId}
    ORDER BY evaluated_at DESC
    LIMIT ${limit}`;
}
