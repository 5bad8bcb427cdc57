/**
 * CSV import of clients and projects: a dry run returns the plan (what would
 * be created, and every bad row); a real run applies it all in one
 * transaction, or nothing when any row is bad. The import is one mutation and
 * writes one audit row, `catalog.import`, listing what it created.
 */
import type { Sql } from "../../db/client.ts";
import { insertClient } from "../../db/queries/clients.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { isUniqueViolation } from "../clients/unique.ts";
import { ConflictError, ValidationError } from "../platform/errors.ts";
import { insertProjectWithEnvironments } from "../projects/projects.ts";
import { type ImportError, type ImportPlan, planImport } from "./plan.ts";

export interface ImportResult {
  plan: ImportPlan;
  /** Set after a real run. */
  created?: { clients: { id: string; name: string }[]; projects: { id: string; slug: string; client_id: string }[] };
}

/** Bad rows as the problem's field errors: `lines.3.slug`. */
export function importFieldErrors(errors: ImportError[]) {
  return errors.map((e) => ({ path: `lines.${e.line}${e.field ? `.${e.field}` : ""}`, message: e.message }));
}

export async function importCatalog(
  sql: Sql,
  principal: Principal,
  csv: string,
  options: { dryRun: boolean },
  ctx: AuditContext,
): Promise<ImportResult> {
  authorize(principal, "clients", "write");
  authorize(principal, "projects", "write");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    const plan = await planImport(tx, tenantId, csv);
    if (options.dryRun) return { plan };
    if (plan.errors.length) {
      throw new ValidationError(
        importFieldErrors(plan.errors),
        `Nothing was imported: ${plan.errors.length} problem${plan.errors.length === 1 ? "" : "s"} in the file`,
      );
    }
    const clientIds = new Map<string, string>();
    const createdClients: { id: string; name: string }[] = [];
    for (const c of plan.clients) {
      if (c.id) {
        clientIds.set(c.name.toLowerCase(), c.id);
        continue;
      }
      const row = await insertClient(tx, tenantId, c.name).catch((error) => {
        if (isUniqueViolation(error, "clients_tenant_name_key")) {
          throw new ConflictError(`A client named "${c.name}" was just created: run the import again`);
        }
        throw error;
      });
      clientIds.set(c.name.toLowerCase(), row.id);
      createdClients.push({ id: row.id, name: row.name });
    }
    const createdProjects: { id: string; slug: string; client_id: string }[] = [];
    for (const p of plan.projects) {
      const clientId = clientIds.get(p.client)!;
      const id = await insertProjectWithEnvironments(tx, tenantId, { ...p.input, client_id: clientId });
      createdProjects.push({ id, slug: p.input.slug, client_id: clientId });
    }
    const created = { clients: createdClients, projects: createdProjects };
    await recordAudit(tx, ctx, {
      tenantId,
      action: "catalog.import",
      resourceType: "catalog",
      details: {
        rows: plan.rows,
        clients_created: createdClients.length,
        projects_created: createdProjects.length,
        created,
      },
    });
    return { plan, created };
  });
}
