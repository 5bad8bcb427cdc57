/**
 * Button clicks from Slack (POST /slack/interactions, form field `payload`).
 *
 * 1. The v0 signature under SLACK_SIGNING_SECRET and a fresh timestamp are
 *    checked before the body is even parsed (401 otherwise, nothing changes).
 * 2. The clicked message must be one Opsdeck posted (slack_messages, looked up
 *    by Slack channel + message ts): that row names the tenant, the alert and
 *    the channel whose bot token is used; the button's alert id must match.
 * 3. The Slack user becomes an Opsdeck user by e-mail (users.info with that
 *    bot token): an active account of the alert's tenant, acting with its own
 *    role, through the same lifecycle functions as the API (so the audit row,
 *    the history entry and the alert.* event — which edits the Slack message —
 *    are written exactly as for a click in Opsdeck).
 * Anything the user can fix (unknown e-mail, no permission, already resolved)
 * is a 200 with an ephemeral text: Slack shows it to the clicker only.
 */
import type { Sql } from "../../db/client.ts";
import { findActivePrincipalByEmail } from "../../db/queries/auth.ts";
import { findSlackMessageByTs } from "../../db/queries/slack_messages.ts";
import { withTenant } from "../../db/tenant.ts";
import { acknowledgeAlert, resolveAlert, snoozeAlert } from "../alerts/lifecycle.ts";
import type { AuditContext } from "../audits/record.ts";
import type { Principal } from "../auth/permissions.ts";
import { toPrincipal } from "../auth/sessions.ts";
import type { Config } from "../platform/config.ts";
import { AppError, UnauthorizedError } from "../platform/errors.ts";
import { loadChannelForSending } from "../notifications/channels.ts";
import type { SlackChannel } from "../notifications/channels/slack/send.ts";
import { channelBotToken } from "../notifications/channels/slack/workspace.ts";
import {
  ACTION_ACK,
  ACTION_APPROVE,
  ACTION_REJECT,
  ACTION_RESOLVE,
  ACTION_SNOOZE,
} from "../notifications/channels/slack/message.ts";
import { findApprovalSlackMessage } from "../../db/queries/approvals.ts";
import { decideApproval } from "../approvals/approvals.ts";
import { checkSlackSignature } from "./signature.ts";

export interface InteractionDeps {
  sql: Sql;
  config: Config;
  secret: string;
  now: () => Date;
}

export interface InteractionRequest {
  rawBody: string;
  timestamp: string | undefined;
  signature: string | undefined;
  ip: string | null;
  userAgent: string | null;
}

export interface InteractionReply {
  response_type: "ephemeral";
  replace_original: false;
  text: string;
}

const SNOOZE_MS = 60 * 60_000;

const reply = (text: string): InteractionReply => ({ response_type: "ephemeral", replace_original: false, text });

interface BlockAction {
  action_id?: string;
  value?: string;
}

interface Payload {
  type?: string;
  user?: { id?: string };
  channel?: { id?: string };
  container?: { channel_id?: string; message_ts?: string };
  message?: { ts?: string };
  actions?: BlockAction[];
}

export async function handleSlackInteraction(
  deps: InteractionDeps,
  req: InteractionRequest,
): Promise<InteractionReply> {
  const signingSecret = deps.config.slackSigningSecret;
  if (!signingSecret) throw new UnauthorizedError("Slack interactions are off: SLACK_SIGNING_SECRET is not set");
  const now = deps.now();
  const problem = await checkSlackSignature(signingSecret, req, req.rawBody, now);
  if (problem === "stale") throw new UnauthorizedError("Slack request timestamp is more than 5 minutes off");
  if (problem) throw new UnauthorizedError("Slack signature missing or wrong");

  const payload = parsePayload(req.rawBody);
  const action = payload?.actions?.[0];
  const slackChannel = payload?.container?.channel_id ?? payload?.channel?.id;
  const ts = payload?.container?.message_ts ?? payload?.message?.ts;
  const slackUser = payload?.user?.id;
  if (payload?.type !== "block_actions" || !action?.action_id || !slackChannel || !ts || !slackUser) {
    return reply("Opsdeck did not understand this action.");
  }
  if (action.action_id === ACTION_APPROVE || action.action_id === ACTION_REJECT) {
    return await approvalClick(deps, req, { slackChannel, ts, slackUser, action, now });
  }
  const message = await findSlackMessageByTs(deps.sql, slackChannel, ts);
  if (!message || message.alert_id !== action.value) {
    return reply("This message is not an Opsdeck alert that this server posted.");
  }
  const channel = await loadChannelForSending(
    deps.sql,
    message.tenant_id,
    message.channel_id,
    deps.secret,
    deps.config.previousSecrets,
  );
  if (channel?.type !== "slack" || channel.mode === "webhook") {
    return reply("This alert's Slack channel no longer exists.");
  }

  const email = await slackEmail(channel, message.tenant_id, slackUser, deps);
  if (!email) {
    return reply("Opsdeck could not read your Slack e-mail address (the app needs the users:read.email scope).");
  }
  const principal = await principalByEmail(deps.sql, message.tenant_id, email);
  if (!principal) return reply(`No active Opsdeck account uses ${email} in this organisation.`);

  const ctx: AuditContext = { actor: principal, ip: req.ip, userAgent: req.userAgent, now };
  try {
    if (action.action_id === ACTION_ACK) {
      await acknowledgeAlert(deps.sql, principal, message.alert_id, { comment: "Acknowledged in Slack" }, ctx);
      return reply("Acknowledged. The message will update in a moment.");
    }
    if (action.action_id === ACTION_SNOOZE) {
      const until = new Date(now.getTime() + SNOOZE_MS);
      await snoozeAlert(deps.sql, principal, message.alert_id, { until, comment: "Snoozed for 1 h in Slack" }, ctx);
      return reply(`Snoozed until ${until.toISOString().slice(11, 16)} UTC.`);
    }
    if (action.action_id === ACTION_RESOLVE) {
      await resolveAlert(deps.sql, principal, message.alert_id, { comment: "Resolved in Slack" }, ctx);
      return reply("Resolved. The message will update in a moment.");
    }
    return reply("Opsdeck does not know this button.");
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      return reply(error.status === 404 ? "You cannot see this alert in Opsdeck." : error.message);
    }
    throw error;
  }
}

/**
 * Approve / Reject on an approval request's message: the message must be one
 * Opsdeck posted for that request (approval_slack_messages); the clicker acts
 * as their Opsdeck account through decideApproval, so four-eyes, expiry, the
 * audit row and the event are exactly as for the API.
 */
async function approvalClick(
  deps: InteractionDeps,
  req: InteractionRequest,
  click: { slackChannel: string; ts: string; slackUser: string; action: BlockAction; now: Date },
): Promise<InteractionReply> {
  const message = await findApprovalSlackMessage(deps.sql, click.slackChannel, click.ts);
  if (!message || message.approval_id !== click.action.value) {
    return reply("This message is not an Opsdeck approval request that this server posted.");
  }
  const channel = await loadChannelForSending(
    deps.sql,
    message.tenant_id,
    message.channel_id,
    deps.secret,
    deps.config.previousSecrets,
  );
  if (channel?.type !== "slack" || channel.mode === "webhook") {
    return reply("This request's Slack channel no longer exists.");
  }
  const email = await slackEmail(channel, message.tenant_id, click.slackUser, deps);
  if (!email) {
    return reply("Opsdeck could not read your Slack e-mail address (the app needs the users:read.email scope).");
  }
  const principal = await principalByEmail(deps.sql, message.tenant_id, email);
  if (!principal) return reply(`No active Opsdeck account uses ${email} in this organisation.`);
  const ctx: AuditContext = { actor: principal, ip: req.ip, userAgent: req.userAgent, now: click.now };
  const approve = click.action.action_id === ACTION_APPROVE;
  try {
    const comment = approve ? "Approved in Slack" : "Rejected in Slack";
    await decideApproval(deps.sql, principal, message.approval_id, approve ? "approved" : "rejected", { comment }, ctx);
    return reply(approve ? "Approved. The message will update in a moment." : "Rejected.");
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      return reply(error.status === 404 ? "You cannot see this request in Opsdeck." : error.message);
    }
    throw error;
  }
}

function parsePayload(rawBody: string): Payload | null {
  try {
    const value = JSON.parse(new URLSearchParams(rawBody).get("payload") ?? "null");
    return value && typeof value === "object" ? value as Payload : null;
  } catch {
    return null;
  }
}

/** users.info with the channel's token (a pasted bot token, or its installed workspace's). */
async function slackEmail(
  channel: Exclude<SlackChannel, { mode: "webhook" }>,
  tenantId: string,
  user: string,
  deps: InteractionDeps,
): Promise<string | null> {
  try {
    const botToken = await channelBotToken(channel, { ...deps, tenantId });
    // The SDK is loaded by the first lookup, not by every process that imports the app.
    const { SlackAPI } = await import("@slack/deno-slack-sdk");
    const answer = await SlackAPI(botToken, { slackApiUrl: deps.config.slackApiUrl }).users.info({ user }) as {
      ok: boolean;
      user?: { profile?: { email?: string } };
    };
    return answer.ok ? answer.user?.profile?.email ?? null : null;
  } catch {
    return null;
  }
}

async function principalByEmail(sql: Sql, tenantId: string, email: string): Promise<Principal | null> {
  const row = await withTenant(sql, tenantId, (tx) => findActivePrincipalByEmail(tx, tenantId, email));
  return row ? toPrincipal(row, "user") : null;
}
