/**
 * Slack channels. With an installed workspace, its token (workspace.ts) is
 * used as a bot token. With a bot token: `SlackAPI(token, { slackApiUrl })` from
 * @slack/deno-slack-sdk posts Block Kit with chat.postMessage, remembers the
 * message per (alert, channel), and edits it with chat.update when the alert
 * is acknowledged, snoozed or resolved. With an incoming-webhook URL: a JSON
 * POST through the address-checked client (no buttons: Slack sends no
 * interactions for webhook messages, and they cannot be edited).
 *
 * The Slack API URL (SLACK_API_URL) is server configuration, not user input,
 * so it does not go through the webhook address policy.
 */
import { findSlackMessage, saveSlackMessage } from "../../../../db/queries/slack_messages.ts";
import { withTenant } from "../../../../db/tenant.ts";
import { findApprovalSlackMessageFor, saveApprovalSlackMessage } from "../../../../db/queries/approvals.ts";
import { parseRetryAfter } from "../../backoff.ts";
import { first } from "../describe.ts";
import { postForResult } from "../http.ts";
import {
  eventsOf,
  failure,
  type OutgoingDelivery,
  SEND_TIMEOUT_MS,
  type SendableBase,
  type SendDeps,
  type SendResult,
} from "../kind.ts";
import { slackDigest, slackForEvent, type SlackMessage } from "./message.ts";
import { sendAsWorkspace } from "./workspace.ts";

export type SlackChannel =
  & SendableBase
  & { type: "slack" }
  & (
    | { mode: "webhook"; webhookUrl: string }
    | { mode: "bot"; channel: string; botToken: string }
    | { mode: "app"; channel: string; integrationId: string }
  );
type BotChannel = Extract<SlackChannel, { mode: "bot" }>;

/** Slack errors that retrying cannot fix: the channel is marked broken until someone fixes and saves it. */
export const PERMANENT_SLACK_ERRORS = new Set([
  "channel_not_found",
  "invalid_auth",
  "account_inactive",
  "not_in_channel",
  "token_revoked",
  "token_expired",
  "not_authed",
  "is_archived",
  "missing_scope",
  "no_permission",
]);

export async function sendSlack(
  channel: SlackChannel,
  delivery: OutgoingDelivery,
  deps: SendDeps,
): Promise<SendResult> {
  const events = eventsOf(delivery);
  const message = delivery.digest
    ? slackDigest(events, deps.config.baseUrl)
    : slackForEvent(events[0], deps.config.baseUrl);
  if (channel.mode === "webhook") {
    if (!channel.webhookUrl) return failure("The channel has no webhook URL: edit and save it", { permanent: true });
    const plain = { text: message.text, blocks: message.blocks.filter((b) => b.type !== "actions") };
    return await postForResult(
      channel.webhookUrl,
      { "content-type": "application/json" },
      JSON.stringify(plain),
      deps,
      [403, 404, 410],
    );
  }
  if (channel.mode === "app") {
    return await sendAsWorkspace(
      channel,
      deps,
      (botToken) => sendBot({ ...channel, mode: "bot", botToken }, delivery, message, deps),
    );
  }
  return await sendBot(channel, delivery, message, deps);
}

interface SlackAnswer {
  ok: boolean;
  error?: string;
  channel?: string;
  ts?: string;
  /** The SDK's raw answer (undici's Response): status and Retry-After. */
  toFetchResponse?: () => { status: number; headers: { get(name: string): string | null } };
}

async function sendBot(
  channel: BotChannel,
  delivery: OutgoingDelivery,
  message: SlackMessage,
  deps: SendDeps,
): Promise<SendResult> {
  if (!channel.botToken) return failure("The channel has no bot token: edit and save it", { permanent: true });
  // The SDK is loaded by the first bot message, not by every process that imports the app.
  const { SlackAPI } = await import("@slack/deno-slack-sdk");
  const client = SlackAPI(channel.botToken, { slackApiUrl: deps.config.slackApiUrl });
  const alertId = !delivery.digest && delivery.eventType.startsWith("alert.")
    ? first(delivery.payload, "alert_id", "alert.id")
    : undefined;
  // An approval's decision edits the message that asked for it (its buttons go away).
  const approvalId = !delivery.digest && delivery.eventType.startsWith("approval.")
    ? first(delivery.payload, "approval.id")
    : undefined;
  const started = performance.now();
  try {
    const posted = alertId && delivery.eventType !== "alert.triggered"
      ? await withTenant(deps.sql, deps.tenantId, (tx) => findSlackMessage(tx, deps.tenantId, alertId, channel.id))
      : approvalId && delivery.eventType === "approval.decided"
      ? await withTenant(
        deps.sql,
        deps.tenantId,
        (tx) => findApprovalSlackMessageFor(tx, deps.tenantId, approvalId, channel.id),
      )
      : undefined;
    let answer: SlackAnswer | undefined;
    if (posted) {
      answer = await timed(
        deps,
        client.chat.update({
          channel: posted.slack_channel,
          ts: posted.ts,
          text: message.text,
          blocks: message.blocks,
        }) as Promise<SlackAnswer>,
      );
      // Deleted in Slack meanwhile: post a new message instead.
      if (!answer.ok && answer.error === "message_not_found") answer = undefined;
    }
    answer ??= await timed(
      deps,
      client.chat.postMessage({
        channel: channel.channel,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
      }) as Promise<SlackAnswer>,
    );
    const latencyMs = Math.round(performance.now() - started);
    const status = answer.toFetchResponse?.().status ?? 200;
    if (!answer.ok) return slackError(answer, status, latencyMs, deps.now());
    if (alertId && !posted && answer.channel && answer.ts) {
      const ts = answer.ts;
      const slackChannel = answer.channel;
      // The message is out: failing to remember it (the alert was deleted meanwhile) must not
      // turn into a retry and a second post; it only costs the later in-place edit.
      await withTenant(deps.sql, deps.tenantId, (tx) =>
        saveSlackMessage(tx, {
          tenant_id: deps.tenantId,
          alert_id: alertId,
          channel_id: channel.id,
          slack_channel: slackChannel,
          ts,
        }, deps.now())).catch(() => {});
    }
    if (approvalId && !posted && answer.channel && answer.ts) {
      const m = { slackChannel: answer.channel, ts: answer.ts };
      await withTenant(deps.sql, deps.tenantId, (tx) =>
        saveApprovalSlackMessage(tx, {
          tenantId: deps.tenantId,
          approvalId,
          channelId: channel.id,
          ...m,
          now: deps.now(),
        })).catch(() => {});
    }
    return { ok: true, responseCode: status, error: null, latencyMs };
  } catch (error) {
    return thrown(error, Math.round(performance.now() - started), deps.now());
  }
}

function slackError(answer: SlackAnswer, status: number, latencyMs: number, now: Date): SendResult {
  const code = answer.error ?? "unknown_error";
  const result: SendResult = { ok: false, responseCode: status, error: `Slack: ${code}`, latencyMs };
  if (code === "ratelimited") {
    result.retryAfterMs = parseRetryAfter(answer.toFetchResponse?.().headers.get("retry-after"), now) ?? 1000;
  }
  if (PERMANENT_SLACK_ERRORS.has(code)) result.permanent = true;
  return result;
}

/** The SDK throws for non-2xx answers (its HttpError carries status and headers) and for network errors. */
function thrown(error: unknown, latencyMs: number, now: Date): SendResult {
  const e = error as Error & { status?: number; headers?: Headers };
  if (typeof e.status === "number") {
    const result: SendResult = {
      ok: false,
      responseCode: e.status,
      error: `Slack: HTTP ${e.message}`.slice(0, 500),
      latencyMs,
    };
    if (e.status === 429) result.retryAfterMs = parseRetryAfter(e.headers?.get("retry-after"), now) ?? 1000;
    return result;
  }
  return failure(`Slack: ${e.message}`, { latencyMs });
}

/** The SDK has no timeout: stop waiting after the send timeout (the request itself ends with its socket). */
async function timed<T>(deps: SendDeps, promise: Promise<T>): Promise<T> {
  const ms = deps.timeoutMs ?? SEND_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
