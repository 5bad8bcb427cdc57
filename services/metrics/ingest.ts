/**
 * Batch metric ingest (POST /api/v1/metrics): every point is checked before
 * anything is stored, then the batch goes in as one statement, with one audit
 * row per request (count and projects, not the points: a metrics pipeline
 * would otherwise drown the audit trail).
 */
import type { Sql } from "../../db/client.ts";
import { insertPoints, type MetricPoint, visibleProjectIds } from "../../db/queries/metrics.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { type FieldError, ValidationError } from "../platform/errors.ts";
import { idempotent, type StoredResponse } from "../platform/idempotency.ts";
import type { IngestInput, IngestResult } from "./schemas.ts";

/** Points further ahead than this are a clock or unit mistake (ms vs s), not data. */
const MAX_FUTURE_MS = 60 * 60_000;
/** A 10,000-point batch with every point wrong would make a useless 10,000-line answer. */
export const MAX_REPORTED_ERRORS = 100;

export async function ingestMetrics(
  sql: Sql,
  principal: Principal,
  input: IngestInput,
  ctx: AuditContext,
  request: { idempotencyKey: string | undefined; path: string },
): Promise<StoredResponse<IngestResult>> {
  authorize(principal, "metrics", "write");
  const tenantId = principal.tenantId;
  const points = toPoints(input, ctx.now);
  return await withTenant(sql, tenantId, (tx) =>
    idempotent(
      tx,
      { tenantId, key: request.idempotencyKey, method: "POST", path: request.path, input, now: ctx.now },
      async () => {
        const projectIds = [...new Set(points.map((p) => p.projectId))];
        const visible = await visibleProjectIds(tx, tenantId, projectIds, principal.clientId);
        checkProjects(points, visible);
        const accepted = await insertPoints(tx, tenantId, dedupe(points));
        await recordAudit(tx, ctx, {
          tenantId,
          action: "metrics.ingest",
          resourceType: "metrics",
          details: { count: points.length, stored: accepted, project_ids: projectIds },
        });
        return { status: 200, body: { accepted, project_ids: projectIds } };
      },
    ));
}

function toPoints(input: IngestInput, now: Date): MetricPoint[] {
  const errors: FieldError[] = [];
  const points = input.points.map((p, i) => {
    const recordedAt = p.recorded_at ? new Date(p.recorded_at) : now;
    if (recordedAt.getTime() > now.getTime() + MAX_FUTURE_MS) {
      errors.push({ path: `points[${i}].recorded_at`, message: "is more than an hour in the future" });
    }
    return { projectId: p.project_id, type: p.type, value: p.value, recordedAt };
  });
  if (errors.length) throw new ValidationError(errors.slice(0, MAX_REPORTED_ERRORS));
  return points;
}

/** Unknown and invisible projects get the same answer, at the first point naming each. */
function checkProjects(points: MetricPoint[], visible: Set<string>): void {
  const errors: FieldError[] = [];
  const reported = new Set<string>();
  points.forEach((p, i) => {
    if (visible.has(p.projectId) || reported.has(p.projectId)) return;
    reported.add(p.projectId);
    errors.push({ path: `points[${i}].project_id`, message: "no such project in this organisation" });
  });
  if (errors.length) throw new ValidationError(errors.slice(0, MAX_REPORTED_ERRORS));
}

/** The same point twice in one batch: the later one wins, as it would across two batches. */
function dedupe(points: MetricPoint[]): MetricPoint[] {
  const byKey = new Map<string, MetricPoint>();
  for (const p of points) byKey.set(`${p.projectId}|${p.type}|${p.recordedAt.getTime()}`, p);
  return byKey.size === points.length ? points : [...byKey.values()];
}
