/**
 * Incidents and maintenance on status pages: open (by hand, from an alert in
 * one click, or by an alert rule by itself), post timestamped updates,
 * resolve. Each change is one transaction with its audit row, its event
 * (incident.created|updated|resolved) and the subscribers' messages
 * (notify.ts), and drops the public cache once committed.
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/incidents.ts";
import { getStatusPage, listComponents, listStatusPages } from "../../db/queries/status_pages.ts";
import { withTenant } from "../../db/tenant.ts";
import type { AlertRow } from "../../db/queries/alerts.ts";
import { getAlert } from "../../db/queries/alerts.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { emitEvent } from "../events/emit.ts";
import { NotFoundError, ValidationError } from "../platform/errors.ts";
import { invalidatePublicPages } from "./public_cache.ts";
import type { IncidentCreateInput, IncidentUpdateInput } from "./schemas.ts";
import { notifySubscribers } from "./notify.ts";

export type IncidentRow = q.IncidentRow;

const FINAL = new Set(["resolved", "completed"]);

export function incidentJson(i: IncidentRow, updates: q.IncidentUpdateRow[] = []) {
  return {
    id: i.id,
    page_id: i.page_id,
    kind: i.kind,
    title: i.title,
    status: i.status,
    impact: i.impact,
    alert_id: i.alert_id,
    component_ids: i.component_ids,
    started_at: i.started_at.toISOString(),
    resolved_at: i.resolved_at?.toISOString() ?? null,
    scheduled_for: i.scheduled_for?.toISOString() ?? null,
    scheduled_until: i.scheduled_until?.toISOString() ?? null,
    updates: updates.filter((u) => u.incident_id === i.id).map((u) => ({
      status: u.status,
      body: u.body,
      created_at: u.created_at.toISOString(),
    })),
  };
}

async function pageFor(tx: Sql, principal: Principal, pageId: string) {
  const page = await getStatusPage(tx, principal.tenantId, pageId);
  if (!page || (principal.clientId && page.client_id !== principal.clientId)) {
    throw new NotFoundError("No such status page");
  }
  return page;
}

async function checkComponents(tx: Sql, tenantId: string, pageId: string, ids: string[]) {
  const own = new Set((await listComponents(tx, tenantId, pageId)).map((c) => c.id));
  const wrong = ids.filter((id) => !own.has(id));
  if (wrong.length) throw new ValidationError([{ path: "component_ids", message: "Not a component of this page" }]);
  return [...new Set(ids)];
}

async function committed<T>(work: Promise<T>): Promise<T> {
  const r = await work;
  invalidatePublicPages();
  return r;
}

interface Opened {
  pageId: string;
  pageTitle: string;
  kind: "incident" | "maintenance";
  title: string;
  status: string;
  impact: string;
  message: string;
  componentIds: string[];
  alertId: string | null;
  scheduledFor: Date | null;
  scheduledUntil: Date | null;
}

/** Inserts the incident, its first update, audit row, event and messages; undefined if the alert already has one. */
async function open(tx: Sql, tenantId: string, ctx: AuditContext, o: Opened): Promise<IncidentRow | undefined> {
  const id = await q.insertIncident(tx, tenantId, {
    page_id: o.pageId,
    kind: o.kind,
    title: o.title,
    status: o.status,
    impact: o.kind === "maintenance" ? "maintenance" : o.impact,
    alert_id: o.alertId,
    started_at: o.scheduledFor ?? ctx.now,
    scheduled_for: o.scheduledFor,
    scheduled_until: o.scheduledUntil,
  });
  if (!id) return undefined;
  await q.setIncidentComponents(tx, tenantId, id, o.componentIds);
  await q.insertIncidentUpdate(tx, tenantId, {
    incidentId: id,
    status: o.status,
    body: o.message,
    createdBy: ctx.actor?.kind === "user" ? ctx.actor.userId : null,
    at: ctx.now,
  });
  const incident = (await q.getIncident(tx, tenantId, id))!;
  await recordAudit(tx, ctx, {
    tenantId,
    action: "incident.create",
    resourceType: "incident",
    resourceId: id,
    after: { ...incidentJson(incident), message: o.message },
  });
  await emitEvent(tx, ctx, {
    tenantId,
    type: "incident.created",
    subject: { type: "incident", id },
    projectId: null,
    payload: eventPayload(incident, o.pageTitle, o.message),
  });
  await notifySubscribers(tx, tenantId, ctx.now, incident, o.pageTitle, o.message);
  return incident;
}

function eventPayload(i: IncidentRow, pageTitle: string, message: string) {
  return {
    incident_id: i.id,
    page_id: i.page_id,
    page_title: pageTitle,
    kind: i.kind,
    title: i.title,
    status: i.status,
    impact: i.impact,
    alert_id: i.alert_id,
    message,
  };
}

export async function createIncident(sql: Sql, principal: Principal, input: IncidentCreateInput, ctx: AuditContext) {
  authorize(principal, "incidents", "write");
  const maintenance = input.kind === "maintenance";
  const scheduledFor = input.scheduled_for ? new Date(input.scheduled_for) : null;
  const scheduledUntil = input.scheduled_until ? new Date(input.scheduled_until) : null;
  if (maintenance && (!scheduledFor || !scheduledUntil || scheduledUntil <= scheduledFor)) {
    throw new ValidationError([{ path: "scheduled_until", message: "Maintenance needs a start and a later end" }]);
  }
  const status = input.status ?? (maintenance ? "scheduled" : "investigating");
  const allowed = maintenance ? ["scheduled", "in_progress"] : ["investigating", "identified", "monitoring"];
  if (!allowed.includes(status)) {
    throw new ValidationError([{ path: "status", message: `A new ${input.kind} starts as ${allowed.join(" or ")}` }]);
  }
  return await committed(withTenant(sql, principal.tenantId, async (tx) => {
    const page = await pageFor(tx, principal, input.page_id);
    const componentIds = await checkComponents(tx, principal.tenantId, page.id, input.component_ids);
    return (await open(tx, principal.tenantId, ctx, {
      pageId: page.id,
      pageTitle: page.title,
      kind: input.kind,
      title: input.title,
      status,
      impact: input.impact,
      message: input.message,
      componentIds,
      alertId: null,
      scheduledFor: maintenance ? scheduledFor : null,
      scheduledUntil: maintenance ? scheduledUntil : null,
    }))!;
  }));
}

export async function updateIncident(
  sql: Sql,
  principal: Principal,
  id: string,
  input: IncidentUpdateInput,
  ctx: AuditContext,
) {
  authorize(principal, "incidents", "read");
  return await committed(withTenant(sql, principal.tenantId, async (tx) => {
    const before = await q.getIncident(tx, principal.tenantId, id, { forUpdate: true });
    if (!before) throw new NotFoundError("No such incident");
    const page = await pageFor(tx, principal, before.page_id);
    authorize(principal, "incidents", "write");
    const allowed: readonly string[] = before.kind === "maintenance"
      ? ["scheduled", "in_progress", "completed"]
      : ["investigating", "identified", "monitoring", "resolved"];
    if (!allowed.includes(input.status)) {
      throw new ValidationError([{ path: "status", message: `One of ${allowed.join(", ")}` }]);
    }
    if (FINAL.has(before.status)) {
      throw new ValidationError([{ path: "status", message: "This incident is already closed" }]);
    }
    const resolved = FINAL.has(input.status);
    await q.updateIncidentState(tx, principal.tenantId, id, {
      status: input.status,
      impact: before.kind === "maintenance" ? before.impact : input.impact ?? before.impact,
      title: before.title,
      resolved_at: resolved ? ctx.now : null,
    });
    if (input.component_ids) {
      await q.setIncidentComponents(
        tx,
        principal.tenantId,
        id,
        await checkComponents(tx, principal.tenantId, page.id, input.component_ids),
      );
    }
    await q.insertIncidentUpdate(tx, principal.tenantId, {
      incidentId: id,
      status: input.status,
      body: input.message,
      createdBy: principal.kind === "user" ? principal.userId : null,
      at: ctx.now,
    });
    const after = (await q.getIncident(tx, principal.tenantId, id))!;
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: resolved ? "incident.resolve" : "incident.update",
      resourceType: "incident",
      resourceId: id,
      before: incidentJson(before),
      after: { ...incidentJson(after), message: input.message },
    });
    await emitEvent(tx, ctx, {
      tenantId: principal.tenantId,
      type: resolved ? "incident.resolved" : "incident.updated",
      subject: { type: "incident", id },
      projectId: null,
      payload: eventPayload(after, page.title, input.message),
    });
    await notifySubscribers(tx, principal.tenantId, ctx.now, after, page.title, input.message);
    return after;
  }));
}

export async function getIncidentWithUpdates(sql: Sql, principal: Principal, id: string) {
  authorize(principal, "incidents", "read");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const incident = await q.getIncident(tx, principal.tenantId, id);
    if (!incident) throw new NotFoundError("No such incident");
    await pageFor(tx, principal, incident.page_id);
    return { incident, updates: await q.listUpdates(tx, principal.tenantId, [id]) };
  });
}

export async function listIncidents(sql: Sql, principal: Principal, pageId?: string) {
  authorize(principal, "incidents", "read");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const pages = (await listStatusPages(tx, principal.tenantId, principal.clientId))
      .filter((p) => !pageId || p.id === pageId);
    const incidents = await q.listIncidents(tx, principal.tenantId, pages.map((p) => p.id), 200);
    return { incidents, updates: await q.listUpdates(tx, principal.tenantId, incidents.map((i) => i.id)) };
  });
}

/**
 * What the public may read about an alert: the names of the components its
 * check is shown as, never the check, its URL or the alert's own summary.
 */
async function openForAlert(tx: Sql, ctx: AuditContext, alert: AlertRow, onlyPage?: string) {
  if (!alert.check_id) return [];
  const where = await q.componentsOfCheck(tx, alert.tenant_id, alert.check_id);
  const opened: IncidentRow[] = [];
  for (const pageId of [...new Set(where.map((w) => w.page_id))]) {
    if (onlyPage && pageId !== onlyPage) continue;
    const page = (await getStatusPage(tx, alert.tenant_id, pageId))!;
    const components = (await listComponents(tx, alert.tenant_id, pageId))
      .filter((c) => where.some((w) => w.component_id === c.id));
    const names = components.map((c) => c.name).join(", ");
    const incident = await open(tx, alert.tenant_id, ctx, {
      pageId,
      pageTitle: page.title,
      kind: "incident",
      title: `${names}: service disruption`,
      status: "investigating",
      impact: alert.severity === "critical" ? "major" : "minor",
      message: `We are investigating problems with ${names}.`,
      componentIds: components.map((c) => c.id),
      alertId: alert.id,
      scheduledFor: null,
      scheduledUntil: null,
    });
    if (incident) opened.push(incident);
  }
  return opened;
}

/** The alert page's button and POST /api/v1/alerts/{id}/incident: one incident per page showing the check. */
export async function openIncidentFromAlert(
  sql: Sql,
  principal: Principal,
  alertId: string,
  pageId: string | undefined,
  ctx: AuditContext,
): Promise<IncidentRow[]> {
  authorize(principal, "incidents", "read");
  return await committed(withTenant(sql, principal.tenantId, async (tx) => {
    const alert = await getAlert(tx, principal.tenantId, alertId);
    if (!alert || (principal.clientId && alert.client_id !== principal.clientId)) {
      throw new NotFoundError("No such alert");
    }
    authorize(principal, "incidents", "write");
    if (!alert.check_id) {
      throw new ValidationError([{ path: "alert_id", message: "Only an alert about a check can open an incident" }]);
    }
    if (pageId) await pageFor(tx, principal, pageId);
    const opened = await openForAlert(tx, ctx, alert, pageId);
    if (!opened.length) {
      throw new ValidationError([{
        path: "page_id",
        message: "No status page shows this check, or it already has an incident for this alert",
      }]);
    }
    return opened;
  }));
}

/** Called as an alert opens: a rule with incident_page_id opens the incident on that page by itself. */
export async function openIncidentsForRule(tx: Sql, ctx: AuditContext, alert: AlertRow): Promise<void> {
  const pageId = await q.incidentPageOfRule(tx, alert.tenant_id, alert.rule_id);
  // every process drops its cached view at commit: the incident rows notify (00085)
  if (pageId) await openForAlert(tx, ctx, alert, pageId);
}
