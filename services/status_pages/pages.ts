/**
 * Status pages and their components: CRUD, authorised and tenant-scoped,
 * audited in the same transaction; a client user reads only the pages of
 * their own client. Every committed change drops the public cache.
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/status_pages.ts";
import { setAutoIncidentRules as setAutoIncidentRulesQuery } from "../../db/queries/incidents.ts";
import { checkChoices } from "../../db/queries/health_checks.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { NotFoundError, ValidationError } from "../platform/errors.ts";
import { invalidatePublicPages } from "./public_cache.ts";
import type { ComponentInput, StatusPageInput } from "./schemas.ts";

export type StatusPageRow = q.StatusPageRow;
export type ComponentRow = q.ComponentRow;

export function statusPageJson(row: StatusPageRow) {
  return {
    id: row.id,
    client_id: row.client_id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    logo_url: row.logo_url,
    published: row.published,
    custom_domain: row.custom_domain,
    show_maintenance: row.show_maintenance,
    show_response_times: row.show_response_times,
    public_url: `/status/${row.slug}`,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function uniqueKeys(error: unknown): never {
  const constraint = (error as { constraint_name?: string }).constraint_name;
  if (constraint === "status_pages_slug_key") {
    throw new ValidationError([{ path: "slug", message: "Another status page already uses this address" }]);
  }
  if (constraint === "status_pages_domain_key") {
    throw new ValidationError([{ path: "custom_domain", message: "Another status page already uses this domain" }]);
  }
  if ((error as { code?: string }).code === "23503") {
    throw new ValidationError([{ path: "client_id", message: "No such client" }]);
  }
  throw error;
}

async function changed<T>(work: Promise<T>): Promise<T> {
  const result = await work;
  invalidatePublicPages();
  return result;
}

export async function createStatusPage(sql: Sql, principal: Principal, input: StatusPageInput, ctx: AuditContext) {
  authorize(principal, "status_pages", "write");
  return await changed(
    withTenant(sql, principal.tenantId, async (tx) => {
      const row = await q.insertStatusPage(tx, principal.tenantId, input);
      await recordAudit(tx, ctx, {
        tenantId: principal.tenantId,
        action: "status_page.create",
        resourceType: "status_page",
        resourceId: row.id,
        after: input,
      });
      return row;
    }).catch(uniqueKeys),
  );
}

/** The page if the principal may see it (client users: their client's only), else 404. */
async function visiblePage(tx: Sql, principal: Principal, id: string): Promise<StatusPageRow> {
  const row = await q.getStatusPage(tx, principal.tenantId, id);
  if (!row || (principal.clientId && row.client_id !== principal.clientId)) {
    throw new NotFoundError("No such status page");
  }
  return row;
}

export async function getStatusPage(sql: Sql, principal: Principal, id: string) {
  authorize(principal, "status_pages", "read");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const page = await visiblePage(tx, principal, id);
    return { page, components: await q.listComponents(tx, principal.tenantId, id) };
  });
}

export async function listStatusPages(sql: Sql, principal: Principal): Promise<StatusPageRow[]> {
  authorize(principal, "status_pages", "read");
  return await withTenant(
    sql,
    principal.tenantId,
    (tx) => q.listStatusPages(tx, principal.tenantId, principal.clientId),
  );
}

export async function updateStatusPage(
  sql: Sql,
  principal: Principal,
  id: string,
  input: StatusPageInput,
  ctx: AuditContext,
) {
  authorize(principal, "status_pages", "read");
  return await changed(
    withTenant(sql, principal.tenantId, async (tx) => {
      const before = await visiblePage(tx, principal, id);
      authorize(principal, "status_pages", "write");
      const row = (await q.updateStatusPage(tx, principal.tenantId, id, input))!;
      await recordAudit(tx, ctx, {
        tenantId: principal.tenantId,
        action: "status_page.update",
        resourceType: "status_page",
        resourceId: id,
        before: statusPageJson(before),
        after: input,
      });
      return row;
    }).catch(uniqueKeys),
  );
}

export async function deleteStatusPage(sql: Sql, principal: Principal, id: string, ctx: AuditContext) {
  authorize(principal, "status_pages", "read");
  await changed(withTenant(sql, principal.tenantId, async (tx) => {
    const before = await visiblePage(tx, principal, id);
    authorize(principal, "status_pages", "delete");
    await q.deleteStatusPage(tx, principal.tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "status_page.delete",
      resourceType: "status_page",
      resourceId: id,
      before: statusPageJson(before),
    });
  }));
}

async function checkedChecks(tx: Sql, principal: Principal, page: StatusPageRow, ids: string[]) {
  const unique = [...new Set(ids)];
  // a client's page shows only that client's checks
  const visible = await q.visibleCheckIds(tx, principal.tenantId, unique, page.client_id ?? principal.clientId);
  const missing = unique.filter((id) => !visible.includes(id));
  if (missing.length) {
    throw new ValidationError([{
      path: "check_ids",
      message: `No such check${page.client_id ? " among this client's projects" : ""}: ${missing.join(", ")}`,
    }]);
  }
  return unique;
}

export async function addComponent(
  sql: Sql,
  principal: Principal,
  pageId: string,
  input: ComponentInput,
  ctx: AuditContext,
): Promise<ComponentRow> {
  authorize(principal, "status_pages", "read");
  return await changed(withTenant(sql, principal.tenantId, async (tx) => {
    const page = await visiblePage(tx, principal, pageId);
    authorize(principal, "status_pages", "write");
    const checks = await checkedChecks(tx, principal, page, input.check_ids);
    const id = await q.insertComponent(tx, principal.tenantId, pageId, input);
    await q.setComponentChecks(tx, principal.tenantId, id, checks);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "status_component.create",
      resourceType: "status_component",
      resourceId: id,
      after: { ...input, page_id: pageId },
    });
    return (await q.getComponent(tx, principal.tenantId, id))!;
  }));
}

async function visibleComponent(tx: Sql, principal: Principal, id: string) {
  const component = await q.getComponent(tx, principal.tenantId, id);
  if (!component) throw new NotFoundError("No such component");
  return { component, page: await visiblePage(tx, principal, component.page_id) };
}

export async function updateComponent(
  sql: Sql,
  principal: Principal,
  id: string,
  input: ComponentInput,
  ctx: AuditContext,
): Promise<ComponentRow> {
  authorize(principal, "status_pages", "read");
  return await changed(withTenant(sql, principal.tenantId, async (tx) => {
    const { component, page } = await visibleComponent(tx, principal, id);
    authorize(principal, "status_pages", "write");
    const checks = await checkedChecks(tx, principal, page, input.check_ids);
    await q.updateComponent(tx, principal.tenantId, id, input);
    await q.setComponentChecks(tx, principal.tenantId, id, checks);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "status_component.update",
      resourceType: "status_component",
      resourceId: id,
      before: component,
      after: input,
    });
    return (await q.getComponent(tx, principal.tenantId, id))!;
  }));
}

export async function deleteComponent(sql: Sql, principal: Principal, id: string, ctx: AuditContext) {
  authorize(principal, "status_pages", "read");
  await changed(withTenant(sql, principal.tenantId, async (tx) => {
    const { component } = await visibleComponent(tx, principal, id);
    authorize(principal, "status_pages", "write");
    await q.deleteComponent(tx, principal.tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "status_component.delete",
      resourceType: "status_component",
      resourceId: id,
      before: component,
    });
  }));
}

/** Alerts of `ruleIds` open incidents on the page by themselves; rules left out stop doing so. */
export async function setAutoIncidentRules(
  sql: Sql,
  principal: Principal,
  pageId: string,
  ruleIds: string[],
  ctx: AuditContext,
): Promise<string[]> {
  authorize(principal, "status_pages", "read");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    await visiblePage(tx, principal, pageId);
    authorize(principal, "status_pages", "write");
    authorize(principal, "alert_rules", "write");
    const unique = [...new Set(ruleIds)];
    if (await setAutoIncidentRulesQuery(tx, principal.tenantId, pageId, unique) !== unique.length) {
      throw new ValidationError([{ path: "alert_rule_ids", message: "No such alert rule" }]);
    }
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "status_page.auto_incidents",
      resourceType: "status_page",
      resourceId: pageId,
      after: { alert_rule_ids: unique },
    });
    return unique;
  });
}

/** What the page forms offer: clients and checks the principal may pick. */
export async function pageFormChoices(sql: Sql, principal: Principal) {
  return await withTenant(sql, principal.tenantId, async (tx) => ({
    clients: await q.clientChoices(tx, principal.tenantId, principal.clientId),
    checks: await checkChoices(tx, principal.tenantId, principal.clientId),
  }));
}
