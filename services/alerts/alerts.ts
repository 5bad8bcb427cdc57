/** Reading alerts: the inbox list and one alert with its timeline. Client users see their client's projects' only. */
import type { Sql } from "../../db/client.ts";
import {
  alertHistory,
  type AlertRow,
  countOpenAlerts,
  type HistoryRow,
  listAlerts as queryAlerts,
} from "../../db/queries/alerts.ts";
import { withTenant } from "../../db/tenant.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { decodeTimeCursor, type Page, toPage } from "../platform/pagination.ts";
import { findVisibleAlert } from "./lifecycle.ts";
import type { ListAlertsQuery } from "./schemas.ts";

export async function listAlerts(sql: Sql, principal: Principal, query: ListAlertsQuery): Promise<Page<AlertRow>> {
  authorize(principal, "alerts", "read");
  const rows = await withTenant(sql, principal.tenantId, (tx) =>
    queryAlerts(tx, principal.tenantId, {
      status: query.status,
      severity: query.severity,
      projectId: query.project_id,
      ruleId: query.rule_id,
      since: query.since ? new Date(query.since) : undefined,
      clientId: principal.clientId,
      after: decodeTimeCursor(query.cursor),
      limit: query.limit,
    }));
  return toPage(rows, query.limit, (a) => [a.triggered_at.toISOString(), a.id]);
}

export async function getAlertWithHistory(
  sql: Sql,
  principal: Principal,
  id: string,
): Promise<{ alert: AlertRow; history: HistoryRow[] }> {
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const alert = await findVisibleAlert(tx, principal, id);
    return { alert, history: await alertHistory(tx, principal.tenantId, id) };
  });
}

export async function getAlert(sql: Sql, principal: Principal, id: string): Promise<AlertRow> {
  return await withTenant(sql, principal.tenantId, (tx) => findVisibleAlert(tx, principal, id));
}

/** How many alerts opened after `since` (the inbox's poll for new ones). */
/** What the inbox's poll shows: alerts opened since the page loaded (newest first, 50 at most) and the open count. */
export async function pollAlerts(
  sql: Sql,
  principal: Principal,
  since: Date,
): Promise<{ alerts: AlertRow[]; open: number }> {
  authorize(principal, "alerts", "read");
  return await withTenant(sql, principal.tenantId, async (tx) => ({
    alerts: (await queryAlerts(tx, principal.tenantId, { since, clientId: principal.clientId, limit: 50 }))
      .slice(0, 50),
    open: await countOpenAlerts(tx, principal.tenantId, principal.clientId),
  }));
}
