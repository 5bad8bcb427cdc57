/**
 * Alerts as Linear issues: filed by hand (the alert page's button, POST
 * /api/v1/alerts/{id}/issues) or by the sync worker for alert rules set to
 * file them; the issue's link kept on the alert (integration_links). Linear's
 * webhook says when an issue is completed or canceled: its alert is resolved.
 * An issue still open in Linear (or reopened there) whose alert is resolved
 * follows the next alert of the same rule and subject (re-linked, not filed
 * again); a resolved alert itself is never reopened (docs/integrations.md).
 * When `close_on_resolve` is on, the worker moves the issue of a resolved
 * alert to the team's first completed state.
 */
import type { Sql } from "../../../db/client.ts";
import { getAlert as readAlert } from "../../../db/queries/alerts.ts";
import * as links from "../../../db/queries/integration_links.ts";
import { getIntegration, listIntegrations } from "../../../db/queries/integrations.ts";
import { withTenant } from "../../../db/tenant.ts";
import { getAlert } from "../../alerts/alerts.ts";
import { type AuditContext, recordAudit } from "../../audits/record.ts";
import { authorize, type Principal } from "../../auth/permissions.ts";
import { ConflictError, NotFoundError } from "../../platform/errors.ts";
import { type IntegrationDeps, providerCall } from "../integrations.ts";
import { type ProviderCall, TokenRefused } from "../provider.ts";
import { DONE_STATES_QUERY, ISSUE_QUERY, linearCall, linearClient, type LinearIssueLink, rawQuery } from "./client.ts";

type AlertFacts = { id: string; summary: string; severity: string; project_name: string | null; rule_name: string };

/** Linear's priority for an alert's severity (1 urgent … 4 low). */
const PRIORITY: Record<string, number> = { critical: 1, warning: 2, info: 4 };

async function createIssue(call: ProviderCall, alert: AlertFacts, baseUrl: string | undefined) {
  const teamId = call.metadata.team_id;
  if (typeof teamId !== "string") throw new ConflictError("The Linear integration has no team to file issues in");
  const client = await linearClient(call);
  const payload = await linearCall(() =>
    client.createIssue({
      teamId,
      title: `[${alert.severity}] ${alert.summary}`.slice(0, 250),
      description: [
        `Opsdeck alert on ${alert.project_name ?? "no project"} (rule: ${alert.rule_name}).`,
        "",
        `${baseUrl ?? ""}/alerts/${alert.id}`,
      ].join("\n"),
      priority: PRIORITY[alert.severity] ?? 3,
    })
  );
  if (!payload.success || !payload.issueId) throw new Error("Linear did not create the issue");
  const { issue } = await rawQuery<{ issue: LinearIssueLink }>(client, ISSUE_QUERY, { id: payload.issueId });
  return issue;
}

/** Files the issue and keeps the link, with its audit row; an alert already filed keeps its first issue. */
async function fileIssue(
  sql: Sql,
  deps: IntegrationDeps,
  tenantId: string,
  integrationId: string,
  alert: AlertFacts,
  ctx: AuditContext,
): Promise<links.IntegrationLinkRow> {
  const existing = (await withTenant(sql, tenantId, (tx) => links.linksOf(tx, tenantId, "alert", alert.id)))
    .find((l) => l.integration_id === integrationId);
  if (existing) return existing;
  // The same problem again while its last issue is still open in Linear: that issue follows it (no second issue).
  const relinked = await withTenant(sql, tenantId, async (tx) => {
    const moved = await links.relinkOpenIssue(tx, tenantId, integrationId, { alertId: alert.id });
    if (!moved) return undefined;
    await recordRelink(tx, ctx, tenantId, integrationId, moved);
    return (await links.linksOf(tx, tenantId, "alert", alert.id)).find((l) => l.id === moved.id);
  });
  if (relinked) return relinked;
  const call = await providerCall(sql, deps, tenantId, integrationId, ctx.now);
  const issue = await createIssue(call, alert, deps.baseUrl);
  return await withTenant(sql, tenantId, async (tx) => {
    const link = await links.insertLink(tx, {
      tenant_id: tenantId,
      integration_id: integrationId,
      resource_type: "alert",
      resource_id: alert.id,
      external_id: issue.id,
      external_key: issue.identifier,
      external_url: issue.url,
      state: issue.state?.type ?? null,
    });
    // Filed twice at once (a click and the worker): the first link stands.
    if (!link) {
      return (await links.linksOf(tx, tenantId, "alert", alert.id)).find((l) => l.integration_id === integrationId)!;
    }
    await recordAudit(tx, ctx, {
      tenantId,
      action: "alert.issue_create",
      resourceType: "alert",
      resourceId: alert.id,
      details: { integration_id: integrationId, issue: issue.identifier, url: issue.url },
    });
    return link;
  });
}

/** The audit row of an issue moved from a resolved alert to its rule and subject's open one. */
export async function recordRelink(
  tx: Sql,
  ctx: AuditContext,
  tenantId: string,
  integrationId: string,
  moved: { from_alert: string; to_alert: string; external_key: string | null },
): Promise<void> {
  await recordAudit(tx, ctx, {
    tenantId,
    action: "alert.issue_relink",
    resourceType: "alert",
    resourceId: moved.to_alert,
    details: { integration_id: integrationId, issue: moved.external_key, from_alert: moved.from_alert },
  });
}

/** POST /api/v1/alerts/{id}/issues (and the alert page's button). */
export async function createAlertIssue(
  sql: Sql,
  principal: Principal,
  alertId: string,
  integrationId: string,
  deps: IntegrationDeps,
  ctx: AuditContext,
): Promise<links.IntegrationLinkRow> {
  // Visible first: another client's alert is a 404 before it is a 403.
  const alert = await getAlert(sql, principal, alertId);
  authorize(principal, "alerts", "write");
  const integration = await withTenant(
    sql,
    principal.tenantId,
    (tx) => getIntegration(tx, principal.tenantId, integrationId),
  );
  if (!integration || integration.platform !== "linear") throw new NotFoundError("Integration not found");
  if (integration.status !== "connected") {
    throw new ConflictError(`The Linear integration is ${integration.status}: reconnect it first`);
  }
  try {
    return await fileIssue(sql, deps, principal.tenantId, integrationId, alert, ctx);
  } catch (error) {
    if (error instanceof TokenRefused) throw new ConflictError(`Linear refused Opsdeck's token: ${error.message}`);
    throw error;
  }
}

export async function alertLinks(sql: Sql, principal: Principal, alertId: string) {
  await getAlert(sql, principal, alertId);
  return await withTenant(sql, principal.tenantId, (tx) => links.linksOf(tx, principal.tenantId, "alert", alertId));
}

/** The sync worker's Linear pass: issues for auto rules' open alerts, and resolved alerts' issues moved to done. */
export async function syncAlertIssues(
  sql: Sql,
  deps: IntegrationDeps,
  tenantId: string,
  integrationId: string,
  ctx: AuditContext,
): Promise<{ filed: number; closed: number }> {
  let filed = 0;
  let closed = 0;
  const wanting = await withTenant(sql, tenantId, (tx) => links.alertsWantingIssues(tx, tenantId, integrationId));
  for (const { id } of wanting) {
    const alert = await withTenant(sql, tenantId, (tx) => readAlert(tx, tenantId, id));
    if (!alert) continue;
    await fileIssue(sql, deps, tenantId, integrationId, alert, ctx);
    filed++;
  }
  const row = await withTenant(sql, tenantId, (tx) => getIntegration(tx, tenantId, integrationId));
  if (row?.metadata.close_on_resolve === true) {
    await withTenant(sql, tenantId, (tx) => links.markResolvedAlertLinks(tx, tenantId, integrationId));
  }
  const wanted = await withTenant(sql, tenantId, (tx) => links.wantedLinks(tx, tenantId, integrationId));
  if (wanted.length === 0) return { filed, closed };
  const call = await providerCall(sql, deps, tenantId, integrationId, ctx.now);
  const client = await linearClient(call);
  for (const link of wanted) {
    const { issue } = await rawQuery<{ issue: LinearIssueLink & { team?: { id: string } } }>(
      client,
      ISSUE_QUERY,
      { id: link.external_id },
    );
    const teamId = typeof call.metadata.team_id === "string" ? call.metadata.team_id : null;
    const { workflowStates } = await rawQuery<{ workflowStates: { nodes: { id: string; position: number }[] } }>(
      client,
      DONE_STATES_QUERY,
      { teamId },
    );
    const done = [...workflowStates.nodes].sort((a, b) => a.position - b.position)[0];
    if (done && issue.state?.type !== "completed") {
      await linearCall(() => client.updateIssue(link.external_id, { stateId: done.id }));
      closed++;
    }
    await withTenant(sql, tenantId, async (tx) => {
      await links.setLinkState(tx, tenantId, link.id, { state: "completed", wanted: null });
      await recordAudit(tx, ctx, {
        tenantId,
        action: "alert.issue_close",
        resourceType: "alert",
        resourceId: link.resource_id,
        details: { integration_id: integrationId, issue: link.external_key },
      });
    });
  }
  return { filed, closed };
}

export interface AlertIssuePanel {
  issues: links.IntegrationLinkRow[];
  /** Connected Linear integrations a user who may act on alerts can file into. */
  targets: { id: string; name: string }[];
}

/** The alert page's "Issues" box: what was filed, and where an issue can be filed. */
export async function alertIssuePanel(sql: Sql, principal: Principal, alertId: string): Promise<AlertIssuePanel> {
  const issues = await alertLinks(sql, principal, alertId);
  const rows = await withTenant(sql, principal.tenantId, (tx) => listIntegrations(tx, principal.tenantId));
  const targets = rows.filter((r) => r.platform === "linear" && r.status === "connected" && r.is_active)
    .map((r) => ({ id: r.id, name: r.account_name ?? r.account_id }));
  return { issues, targets };
}
