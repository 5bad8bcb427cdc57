/**
 * Quick wins: evaluated by the insights worker (every rule of the registry
 * over one tenant, then one sync), listed per project, client or tenant, and
 * decided by people (complete, dismiss with a reason, re-open), each decision
 * audited in its transaction.
 */
import type { Sql } from "../../../db/client.ts";
import {
  decideQuickWin,
  type FoundQuickWin,
  getQuickWin,
  listQuickWins,
  type QuickWinRow,
  syncQuickWins,
} from "../../../db/queries/quick_wins.ts";
import { withTenant } from "../../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../../audits/record.ts";
import { authorize, type Principal } from "../../auth/permissions.ts";
import { NotFoundError } from "../../platform/errors.ts";
import { isUuid } from "../../platform/ids.ts";
import { loadProjectFor } from "../../projects/access.ts";
import { QUICK_WIN_RULES } from "./registry.ts";
import type { QuickWinDecision, QuickWinListQuery } from "../schemas.ts";

/** Runs every rule for one tenant and applies the result (owner connection: the worker). */
export async function evaluateQuickWins(sql: Sql, tenantId: string, now: Date) {
  const found: FoundQuickWin[] = [];
  for (const rule of QUICK_WIN_RULES) {
    for (const win of await rule.find(sql, tenantId, now)) {
      found.push({
        ...win,
        rule: rule.id,
        category: rule.category,
        impact: rule.impact,
        effort: rule.effort,
        estimated_minutes_saved: rule.minutesSaved,
      });
    }
  }
  return await syncQuickWins(sql, tenantId, found, now);
}

export async function listQuickWinsFor(sql: Sql, principal: Principal, q: QuickWinListQuery): Promise<QuickWinRow[]> {
  authorize(principal, "projects", "read");
  if (q.project_id) await loadProjectFor(sql, principal, q.project_id);
  if (q.client_id && principal.clientId && q.client_id !== principal.clientId) throw new NotFoundError();
  return await withTenant(sql, principal.tenantId, (tx) =>
    listQuickWins(tx, principal.tenantId, {
      projectId: q.project_id,
      clientId: principal.clientId ?? q.client_id ?? null,
      status: q.status,
      limit: q.limit,
    }));
}

/** A quick win the principal may see (client users: their client's projects' only); 404 otherwise. */
async function visible(tx: Sql, principal: Principal, id: string): Promise<QuickWinRow> {
  const row = isUuid(id) ? await getQuickWin(tx, principal.tenantId, id) : undefined;
  if (!row || (principal.clientId && row.client_id !== principal.clientId)) {
    throw new NotFoundError("Quick win not found");
  }
  return row;
}

export async function getQuickWinFor(sql: Sql, principal: Principal, id: string): Promise<QuickWinRow> {
  authorize(principal, "projects", "read");
  return await withTenant(sql, principal.tenantId, (tx) => visible(tx, principal, id));
}

export async function decide(
  sql: Sql,
  principal: Principal,
  id: string,
  decision: QuickWinDecision,
  ctx: AuditContext,
): Promise<QuickWinRow> {
  authorize(principal, "projects", "read");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const before = await visible(tx, principal, id);
    authorize(principal, "projects", "write");
    const reason = decision.status === "dismissed" ? decision.reason! : null;
    await decideQuickWin(tx, principal.tenantId, id, {
      status: decision.status,
      reason,
      userId: principal.userId,
      now: ctx.now,
    });
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: `quick_win.${
        decision.status === "open" ? "reopen" : decision.status === "completed" ? "complete" : "dismiss"
      }`,
      resourceType: "quick_win",
      resourceId: id,
      before: { status: before.status },
      after: { status: decision.status, ...(reason ? { reason } : {}) },
    });
    return (await getQuickWin(tx, principal.tenantId, id))!;
  });
}
