/**
 * A check's "Notify": the channels its alerts go to, kept as notification
 * rules about that one check (notification_rules.check_id, 00036) so the
 * user never wires a rule by hand. The channels a new check's form ticks are
 * the organisation's defaults: those with an organisation-wide alert rule, or
 * every working channel when there is none.
 */
import type { Sql } from "../../db/client.ts";
import {
  checkNotifyRules,
  deleteRule,
  insertCheckNotifyRule,
  moveCheckNotifyRules,
  type NotifyChoice,
  notifyChoices,
} from "../../db/queries/notification_rules.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { can, type Principal } from "../auth/permissions.ts";
import { ValidationError } from "../platform/errors.ts";

/** An alert opening and closing: what a check's channels hear about. */
export const NOTIFY_EVENT_TYPES = ["alert.triggered", "alert.resolved"];

/** The organisation's default channels for a new check. */
export function defaultChannelIds(choices: NotifyChoice[]): string[] {
  const orgWide = choices.filter((c) => c.org_wide);
  return (orgWide.length ? orgWide : choices.filter((c) => !c.broken)).map((c) => c.id);
}

export interface NotifyForm {
  choices: NotifyChoice[];
  /** Ticked: the check's channels, or the defaults for a new check. */
  selected: string[];
  canWrite: boolean;
}

/** What the check form's "Notify" shows; empty for those who may not set notification rules. */
export async function notifyForm(sql: Sql, principal: Principal, checkId: string | null): Promise<NotifyForm> {
  const canWrite = can(principal, "notification_rules", "write");
  if (!can(principal, "notification_channels", "read")) return { choices: [], selected: [], canWrite: false };
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const choices = await notifyChoices(tx, principal.tenantId);
    const selected = checkId
      ? (await checkNotifyRules(tx, principal.tenantId, checkId)).map((r) => r.channel_id)
      : defaultChannelIds(choices);
    return { choices, selected, canWrite };
  });
}

/**
 * Makes the check's Notify rules name exactly `channelIds`, inside the
 * check's transaction: one audited create or delete per channel changed.
 */
export async function setCheckNotify(
  tx: Sql,
  principal: Principal,
  check: { id: string; project_id: string },
  channelIds: string[],
  ctx: AuditContext,
): Promise<void> {
  if (!can(principal, "notification_rules", "write")) {
    throw new ValidationError([{ path: "notify_channel_ids", message: "you may not change who is notified" }]);
  }
  const tenantId = principal.tenantId;
  const wanted = [...new Set(channelIds)];
  const known = new Set((await notifyChoices(tx, tenantId)).map((c) => c.id));
  const unknown = wanted.filter((id) => !known.has(id));
  if (unknown.length) {
    throw new ValidationError([{ path: "notify_channel_ids", message: "is not a notification channel" }]);
  }
  await moveCheckNotifyRules(tx, tenantId, check.id, check.project_id);
  const current = await checkNotifyRules(tx, tenantId, check.id);
  for (const rule of current.filter((r) => !wanted.includes(r.channel_id))) {
    await deleteRule(tx, tenantId, rule.id);
    await recordAudit(tx, ctx, {
      tenantId,
      action: "notification_rule.delete",
      resourceType: "notification_rule",
      resourceId: rule.id,
      before: { check_id: check.id, channel_id: rule.channel_id },
      details: { via: "check notify" },
    });
  }
  const have = new Set(current.map((r) => r.channel_id));
  for (const channelId of wanted.filter((id) => !have.has(id))) {
    const after = { projectId: check.project_id, checkId: check.id, channelId, eventTypes: NOTIFY_EVENT_TYPES };
    const id = await insertCheckNotifyRule(tx, tenantId, after, ctx.now);
    await recordAudit(tx, ctx, {
      tenantId,
      action: "notification_rule.create",
      resourceType: "notification_rule",
      resourceId: id,
      after: { check_id: check.id, channel_id: channelId, event_types: NOTIFY_EVENT_TYPES },
      details: { via: "check notify" },
    });
  }
}
