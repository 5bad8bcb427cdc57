/**
 * Notification rules: CRUD with notification_rules permissions, one audit row
 * per change. The channel and project must be the tenant's own; another
 * tenant's id is refused as if it did not exist (422 naming the field).
 */
import type { Sql } from "../../db/client.ts";
import {
  deleteRule as removeRule,
  getRule as loadRule,
  insertRule,
  listRules as queryRules,
  ruleFormOptions as queryFormOptions,
  type RuleRow,
  ruleTargetsExist,
  type RuleValues,
  updateRule as saveRule,
} from "../../db/queries/notification_rules.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { type FieldError, NotFoundError, ValidationError } from "../platform/errors.ts";
import { decodeIdCursor, type Page, toPage } from "../platform/pagination.ts";
import type { CreateRuleInput, ListRulesQuery, UpdateRuleInput } from "./rule_schemas.ts";

const snapshot = (r: RuleValues) => ({
  project_id: r.project_id,
  channel_id: r.channel_id,
  event_types: r.event_types,
  mode: r.mode,
  digest_minutes: r.digest_minutes,
  enabled: r.enabled,
});

export async function listRules(sql: Sql, principal: Principal, q: ListRulesQuery): Promise<Page<RuleRow>> {
  authorize(principal, "notification_rules", "read");
  const after = decodeIdCursor<[string, string]>(q.cursor, ["string", "string"]);
  const rows = await withTenant(sql, principal.tenantId, (tx) =>
    queryRules(tx, principal.tenantId, {
      channelId: q.channel_id,
      projectId: q.project_id,
      after,
      limit: q.limit,
    }));
  return toPage(rows, q.limit, (r) => [r.created_at.toISOString(), r.id]);
}

async function loadFor(tx: Sql, principal: Principal, id: string, forUpdate = false): Promise<RuleRow> {
  const rule = await loadRule(tx, principal.tenantId, id, { forUpdate });
  if (!rule) throw new NotFoundError("No such notification rule");
  return rule;
}

export async function getRule(sql: Sql, principal: Principal, id: string): Promise<RuleRow> {
  authorize(principal, "notification_rules", "read");
  return await withTenant(sql, principal.tenantId, (tx) => loadFor(tx, principal, id));
}

async function checkTargets(tx: Sql, tenantId: string, v: RuleValues): Promise<void> {
  const exists = await ruleTargetsExist(tx, tenantId, v.channel_id, v.project_id);
  const errors: FieldError[] = [];
  if (!exists.channel) errors.push({ path: "channel_id", message: "No such channel in your organisation" });
  if (!exists.project) errors.push({ path: "project_id", message: "No such project in your organisation" });
  if (errors.length > 0) throw new ValidationError(errors);
}

export async function createRule(
  sql: Sql,
  principal: Principal,
  input: CreateRuleInput,
  ctx: AuditContext,
): Promise<RuleRow> {
  authorize(principal, "notification_rules", "write");
  const values: RuleValues = {
    project_id: input.project_id ?? null,
    channel_id: input.channel_id,
    event_types: input.event_types,
    mode: input.mode,
    digest_minutes: input.mode === "digest" ? input.digest_minutes ?? null : null,
    enabled: input.enabled,
  };
  return await withTenant(sql, principal.tenantId, async (tx) => {
    await checkTargets(tx, principal.tenantId, values);
    const id = await insertRule(tx, principal.tenantId, values, ctx.now);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "notification_rule.create",
      resourceType: "notification_rule",
      resourceId: id,
      after: snapshot(values),
    });
    return await loadFor(tx, principal, id);
  });
}

export async function updateRule(
  sql: Sql,
  principal: Principal,
  id: string,
  input: UpdateRuleInput,
  ctx: AuditContext,
): Promise<RuleRow> {
  authorize(principal, "notification_rules", "write");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const before = await loadFor(tx, principal, id, true);
    const mode = input.mode ?? before.mode;
    const values: RuleValues = {
      project_id: input.project_id === undefined ? before.project_id : input.project_id,
      channel_id: input.channel_id ?? before.channel_id,
      event_types: input.event_types ?? before.event_types,
      mode,
      digest_minutes: mode === "digest"
        ? (input.digest_minutes === undefined ? before.digest_minutes : input.digest_minutes)
        : null,
      enabled: input.enabled ?? before.enabled,
    };
    if (mode === "digest" && !values.digest_minutes) {
      throw new ValidationError([{ path: "digest_minutes", message: "A digest needs its window in minutes" }]);
    }
    await checkTargets(tx, principal.tenantId, values);
    await saveRule(tx, principal.tenantId, id, values);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "notification_rule.update",
      resourceType: "notification_rule",
      resourceId: id,
      before: snapshot(before),
      after: snapshot(values),
    });
    return await loadFor(tx, principal, id);
  });
}

export async function deleteRule(sql: Sql, principal: Principal, id: string, ctx: AuditContext): Promise<void> {
  authorize(principal, "notification_rules", "delete");
  await withTenant(sql, principal.tenantId, async (tx) => {
    const before = await loadFor(tx, principal, id, true);
    await removeRule(tx, principal.tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "notification_rule.delete",
      resourceType: "notification_rule",
      resourceId: id,
      before: snapshot(before),
    });
  });
}

/** The channels and projects a rule may point at (the form's pickers). */
export async function ruleFormOptions(sql: Sql, principal: Principal) {
  authorize(principal, "notification_rules", "read");
  return await withTenant(sql, principal.tenantId, (tx) => queryFormOptions(tx, principal.tenantId));
}
