/**
 * Metric queries: buckets of avg/min/max/p95/count per step over a range of
 * at most 90 days, for stored metric points or — as type `check.latency_ms`
 * with a `check_id` — for a health check's result latencies, so the explorer
 * and the API treat check latency as one more metric without copying results.
 */
import type { Sql } from "../../db/client.ts";
import {
  aggregateCheckLatency,
  aggregateMetric,
  type Bucket,
  findVisibleCheck,
  listMetricTypes,
  listProjectChecks,
} from "../../db/queries/metrics.ts";
import { getProject } from "../../db/queries/projects.ts";
import { withTenant } from "../../db/tenant.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { NotFoundError, ValidationError } from "../platform/errors.ts";
import { CHECK_LATENCY_TYPE, type MetricQuery, type SeriesJson, type TypesJson } from "./schemas.ts";
import { defaultStep, formatStep, MAX_BUCKETS, MAX_RANGE_DAYS, parseStep } from "./steps.ts";

export interface ResolvedRange {
  from: Date;
  to: Date;
  stepSeconds: number;
}

/** The range and step a query means, defaults applied; 422s name the field at fault. */
export function resolveRange(query: Pick<MetricQuery, "from" | "to" | "step">, now: Date): ResolvedRange {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 86_400_000);
  if (from >= to) throw new ValidationError([{ path: "from", message: "must be before to" }]);
  const rangeSeconds = (to.getTime() - from.getTime()) / 1000;
  if (rangeSeconds > MAX_RANGE_DAYS * 86_400) {
    throw new ValidationError([{ path: "from", message: `the range can be at most ${MAX_RANGE_DAYS} days` }]);
  }
  const stepSeconds = query.step ? parseStep(query.step) : defaultStep(rangeSeconds);
  if (!stepSeconds) throw new ValidationError([{ path: "step", message: "must be at least 1s" }]);
  if (rangeSeconds / stepSeconds > MAX_BUCKETS) {
    throw new ValidationError([{
      path: "step",
      message: `gives more than ${MAX_BUCKETS} buckets for this range; use a step of at least ${
        formatStep(Math.ceil(rangeSeconds / MAX_BUCKETS))
      }`,
    }]);
  }
  return { from, to, stepSeconds };
}

export async function queryMetrics(sql: Sql, principal: Principal, query: MetricQuery, now: Date): Promise<SeriesJson> {
  authorize(principal, "metrics", "read");
  const range = resolveRange(query, now);
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    let projectId: string;
    let buckets: Bucket[];
    if (query.type === CHECK_LATENCY_TYPE) {
      if (!query.check_id) {
        throw new ValidationError([{ path: "check_id", message: `is required for ${CHECK_LATENCY_TYPE}` }]);
      }
      const check = await findVisibleCheck(tx, tenantId, query.check_id, principal.clientId);
      if (!check || (query.project_id && check.project_id !== query.project_id)) {
        throw new NotFoundError("Health check not found");
      }
      projectId = check.project_id;
      buckets = await aggregateCheckLatency(tx, { tenantId, checkId: check.id, ...range });
    } else {
      if (!query.project_id) throw new ValidationError([{ path: "project_id", message: "is required" }]);
      if (query.check_id) {
        throw new ValidationError([{ path: "check_id", message: `only with type=${CHECK_LATENCY_TYPE}` }]);
      }
      const project = await getProject(tx, tenantId, query.project_id, principal.clientId);
      if (!project) throw new NotFoundError("Project not found");
      projectId = project.id;
      buckets = await aggregateMetric(tx, { tenantId, projectId, type: query.type, ...range });
    }
    return {
      project_id: projectId,
      type: query.type,
      check_id: query.type === CHECK_LATENCY_TYPE ? query.check_id! : null,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      step: formatStep(range.stepSeconds),
      step_seconds: range.stepSeconds,
      agg: query.agg,
      buckets: buckets.map((b) => ({
        start: b.start.toISOString(),
        value: b[query.agg],
        count: b.count,
        avg: b.avg,
        min: b.min,
        max: b.max,
        p95: b.p95,
      })),
    };
  });
}

/** A project's metric types, then one `check.latency_ms` entry per HTTP/TCP check (when the caller may read checks). */
export async function listTypes(sql: Sql, principal: Principal, projectId: string): Promise<TypesJson> {
  authorize(principal, "metrics", "read");
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    const project = await getProject(tx, tenantId, projectId, principal.clientId);
    if (!project) throw new NotFoundError("Project not found");
    const types = await listMetricTypes(tx, tenantId, projectId);
    const checks = can(principal, "health_checks", "read") ? await listProjectChecks(tx, tenantId, projectId) : [];
    return {
      data: [
        ...types.map((type) => ({ type, check_id: null, label: type })),
        ...checks.map((c) => ({ type: CHECK_LATENCY_TYPE, check_id: c.id, label: `${c.name} latency (ms)` })),
      ],
    };
  });
}
