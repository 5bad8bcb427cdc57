/**
 * Alert rules: what opens an alert. A rule watches one kind of condition on
 * one project (or every project of the tenant), optionally one check. Which
 * fields a kind needs is checked here, with the same messages for the API and
 * the form. Client users have no alert_rules permission: rules are the
 * agency's configuration.
 */
import type { Sql } from "../../db/client.ts";
import {
  type AlertRuleRow,
  channelExists,
  checkBelongs,
  deleteAlertRule as removeRule,
  findIdenticalRule,
  getAlertRule as findRule,
  insertAlertRule,
  listAlertRules as queryRules,
  type RuleFields,
  type RuleKind,
  updateAlertRule as writeRule,
} from "../../db/queries/alert_rules.ts";
import { getProject } from "../../db/queries/projects.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { getSavedQuery } from "../../db/queries/saved_queries.ts";
import { checkValues, type Parameter, type ParameterValues } from "../data_sources/parameters.ts";
import { ConflictError, type FieldError, NotFoundError, ValidationError } from "../platform/errors.ts";
import { decodeTimeCursor, type Page, timeCursorKey, toPage } from "../platform/pagination.ts";
import type { CreateAlertRuleInput, ListAlertRulesQuery, UpdateAlertRuleInput } from "./schemas.ts";

const NOT_FOUND = "Alert rule not found";
export const CHECK_KINDS: readonly RuleKind[] = [
  "check_down",
  "check_degraded",
  "heartbeat_missed",
  "certificate_expiring",
];
const METRIC_FIELDS = ["metric_type", "window_seconds"] as const;
const THRESHOLD_FIELDS = ["operator", "threshold"] as const;
const THRESHOLD_KINDS: readonly RuleKind[] = ["metric_threshold", "query_threshold"];
const QUERY_FIELDS = ["query_id", "query_measure", "interval_seconds"] as const;

export async function listAlertRules(
  sql: Sql,
  principal: Principal,
  query: ListAlertRulesQuery,
): Promise<Page<AlertRuleRow>> {
  authorize(principal, "alert_rules", "read");
  const after = decodeTimeCursor(query.cursor);
  const rows = await withTenant(sql, principal.tenantId, (tx) =>
    queryRules(tx, principal.tenantId, {
      projectId: query.project_id,
      kind: query.kind,
      enabled: query.enabled === undefined ? undefined : query.enabled === "true",
      after,
      limit: query.limit,
    }));
  return toPage(rows, query.limit, timeCursorKey);
}

async function findVisible(tx: Sql, principal: Principal, id: string, forUpdate = false): Promise<AlertRuleRow> {
  authorize(principal, "alert_rules", "read");
  const rule = await findRule(tx, principal.tenantId, id, { forUpdate });
  if (!rule) throw new NotFoundError(NOT_FOUND);
  return rule;
}

export async function getAlertRule(sql: Sql, principal: Principal, id: string): Promise<AlertRuleRow> {
  return await withTenant(sql, principal.tenantId, (tx) => findVisible(tx, principal, id));
}

/** The fields a kind needs present and the ones it must not have; every problem at once. */
export function ruleProblems(r: RuleFields): FieldError[] {
  const problems: FieldError[] = [];
  const required = (path: string, message = `is required for ${r.kind} rules`) => problems.push({ path, message });
  const refused = (path: string, kinds: string) => problems.push({ path, message: `applies to ${kinds} rules only` });
  if (r.kind === "metric_threshold") {
    for (const f of METRIC_FIELDS) if (r[f] === null) required(f);
  } else {
    for (const f of METRIC_FIELDS) if (r[f] !== null) refused(f, "metric_threshold");
  }
  if (THRESHOLD_KINDS.includes(r.kind)) {
    for (const f of THRESHOLD_FIELDS) if (r[f] === null) required(f);
  } else {
    for (const f of THRESHOLD_FIELDS) if (r[f] !== null) refused(f, THRESHOLD_KINDS.join(", "));
  }
  if (r.kind === "query_threshold") {
    for (const f of QUERY_FIELDS) if (r[f] === null) required(f);
  } else {
    for (const f of [...QUERY_FIELDS, "query_parameters"] as const) if (r[f] !== null) refused(f, "query_threshold");
  }
  if (r.kind !== "certificate_expiring" && r.days_before !== null) refused("days_before", "certificate_expiring");
  if (r.kind !== "deployment_failed" && r.environment !== null) refused("environment", "deployment_failed");
  if (!CHECK_KINDS.includes(r.kind) && r.check_id !== null) refused("check_id", "check");
  if (r.escalation_channel_id !== null && r.escalate_after_minutes === null) {
    required("escalate_after_minutes", "is required when an escalation channel is set");
  }
  return problems;
}

/** The rule as stored: defaults filled for the kind. */
function normalize(input: Partial<RuleFields> & Pick<RuleFields, "name" | "kind">): RuleFields {
  const r: RuleFields = {
    project_id: input.project_id ?? null,
    check_id: input.check_id ?? null,
    name: input.name,
    kind: input.kind,
    severity: input.severity ?? "warning",
    enabled: input.enabled ?? true,
    metric_type: input.metric_type ?? null,
    operator: input.operator ?? null,
    threshold: input.threshold ?? null,
    window_seconds: input.window_seconds ?? null,
    days_before: input.days_before ?? null,
    environment: input.environment ?? null,
    repeat_interval_minutes: input.repeat_interval_minutes ?? null,
    escalate_after_minutes: input.escalate_after_minutes ?? null,
    escalation_channel_id: input.escalation_channel_id ?? null,
    query_id: input.query_id ?? null,
    query_measure: input.query_measure ?? null,
    query_parameters: input.query_parameters ?? null,
    interval_seconds: input.interval_seconds ?? null,
  };
  if (r.kind === "metric_threshold" && r.window_seconds === null) r.window_seconds = 300;
  if (r.kind === "certificate_expiring" && r.days_before === null) r.days_before = 14;
  if (r.kind === "query_threshold") {
    r.query_measure ??= "value";
    r.query_parameters ??= {};
    r.interval_seconds ??= 300;
  }
  return r;
}

/** The query must be one the author may read, and its parameters must bind as a run's would. */
async function queryProblems(
  tx: Sql,
  principal: Principal,
  queryId: string,
  values: Record<string, unknown>,
): Promise<FieldError[]> {
  const query = can(principal, "saved_queries", "read")
    ? await getSavedQuery(tx, principal.tenantId, principal.userId, queryId)
    : undefined;
  if (!query) return [{ path: "query_id", message: "is not a saved query you can read" }];
  try {
    checkValues(query.parameters as Parameter[], values as ParameterValues);
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return (error.errors ?? []).map((e) => ({ ...e, path: e.path.replace(/^parameters/, "query_parameters") }));
  }
}

/** Kind rules, then references: the project, check and channel must be this tenant's (a 422 naming the field). */
async function validate(tx: Sql, principal: Principal, r: RuleFields): Promise<void> {
  const problems = ruleProblems(r);
  const tenantId = principal.tenantId;
  if (r.project_id && !await getProject(tx, tenantId, r.project_id, principal.clientId)) {
    problems.push({ path: "project_id", message: "is not a project of this organization" });
  }
  if (r.check_id && !await checkBelongs(tx, tenantId, r.check_id, r.project_id)) {
    const message = r.project_id ? "is not a health check of this project" : "is not a health check";
    problems.push({ path: "check_id", message });
  }
  if (r.query_id) problems.push(...await queryProblems(tx, principal, r.query_id, r.query_parameters ?? {}));
  if (r.escalation_channel_id && !await channelExists(tx, tenantId, r.escalation_channel_id)) {
    problems.push({ path: "escalation_channel_id", message: "is not a notification channel" });
  }
  if (problems.length > 0) throw new ValidationError(problems);
}

/**
 * A second enabled rule on the same condition would open every alert twice: refused, naming the first. A disabled
 * rule opens nothing, so it may have a twin until someone enables it.
 */
async function refuseTwin(tx: Sql, tenantId: string, r: RuleFields, exceptId: string | null): Promise<void> {
  if (!r.enabled) return;
  const twin = await findIdenticalRule(tx, tenantId, r, exceptId);
  if (twin) throw new ConflictError(`This rule watches the same as “${twin.name}”; change that rule instead`);
}

/** What the audit row keeps of a rule. */
const snapshot = (r: AlertRuleRow | RuleFields) =>
  Object.fromEntries(Object.entries(r).filter(([k]) => !k.endsWith("_name") && !k.endsWith("_at") && k !== "id"));

export async function createAlertRule(
  sql: Sql,
  principal: Principal,
  input: CreateAlertRuleInput,
  ctx: AuditContext,
): Promise<AlertRuleRow> {
  authorize(principal, "alert_rules", "write");
  const tenantId = principal.tenantId;
  const fields = normalize(input);
  return await withTenant(sql, tenantId, async (tx) => {
    await validate(tx, principal, fields);
    await refuseTwin(tx, tenantId, fields, null);
    const id = await insertAlertRule(tx, tenantId, fields, ctx.now);
    const created = (await findRule(tx, tenantId, id))!;
    await recordAudit(tx, ctx, {
      tenantId,
      action: "alert_rule.create",
      resourceType: "alert_rule",
      resourceId: id,
      after: snapshot(created),
    });
    return created;
  });
}

export async function updateAlertRule(
  sql: Sql,
  principal: Principal,
  id: string,
  input: UpdateAlertRuleInput,
  ctx: AuditContext,
): Promise<AlertRuleRow> {
  const tenantId = principal.tenantId;
  return await withTenant(sql, tenantId, async (tx) => {
    const before = await findVisible(tx, principal, id, true);
    authorize(principal, "alert_rules", "write");
    // undefined keeps the stored value, null clears it
    const merged = Object.fromEntries(
      Object.entries({ ...before, ...input }).map(([k, v]) => [k, v === undefined ? (before as never)[k] : v]),
    ) as unknown as RuleFields;
    const fields = normalize(merged);
    await validate(tx, principal, fields);
    await refuseTwin(tx, tenantId, fields, id);
    if (!await writeRule(tx, tenantId, id, fields)) throw new NotFoundError(NOT_FOUND);
    const after = (await findRule(tx, tenantId, id))!;
    await recordAudit(tx, ctx, {
      tenantId,
      action: "alert_rule.update",
      resourceType: "alert_rule",
      resourceId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return after;
  });
}

/** Deleting a rule deletes its alerts and their history (00005's cascade); the deletion is audited. */
export async function deleteAlertRule(sql: Sql, principal: Principal, id: string, ctx: AuditContext): Promise<void> {
  const tenantId = principal.tenantId;
  await withTenant(sql, tenantId, async (tx) => {
    const before = await findVisible(tx, principal, id, true);
    authorize(principal, "alert_rules", "delete");
    if (!await removeRule(tx, tenantId, id)) throw new NotFoundError(NOT_FOUND);
    await recordAudit(tx, ctx, {
      tenantId,
      action: "alert_rule.delete",
      resourceType: "alert_rule",
      resourceId: id,
      before: snapshot(before),
    });
  });
}
