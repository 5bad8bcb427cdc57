/**
 * Writing into the notification outbox. A row is written in the transaction
 * of the change that causes it, so a notification exists exactly when the
 * change committed; the dispatcher sends it later, outside any request.
 */
import { inTransaction, type Sql } from "../../db/client.ts";
import { type ClaimedDelivery, insertDelivery, recordOutcome } from "../../db/queries/notification_deliveries.ts";
import type { Config } from "../platform/config.ts";
import type { Logger } from "../platform/logger.ts";
import { retryDelayMs } from "./backoff.ts";
import { loadChannelForSending, recordChannelHealth } from "./channels.ts";
import type { OutgoingDelivery, SendDeps, SendResult } from "./channels/kind.ts";
import type { SendableChannel } from "./channels/registry.ts";
import { sendDelivery } from "./send.ts";

export interface EnqueueInput {
  tenantId: string;
  channelId: string;
  /** The event this message speaks about; one delivery per (channel, event). */
  eventId: string;
  eventType: string;
  payload: Record<string, unknown>;
  alertId?: string | null;
  /** Only immediate deliveries are enqueued directly; digests come from rules (fan-out). */
  mode?: "immediate";
  /** When the row is due (defaults to the database's now). */
  now?: Date;
}

/**
 * One delivery to one channel (escalations, re-notifications, "send test").
 * A second call for the same (channel, event) returns the first row's id: the
 * unique index makes enqueueing idempotent.
 */
export async function enqueueDelivery(tx: Sql, input: EnqueueInput): Promise<string> {
  return await insertDelivery(tx, {
    tenantId: input.tenantId,
    channelId: input.channelId,
    eventId: input.eventId,
    eventType: input.eventType,
    payload: input.payload,
    alertId: input.alertId ?? null,
    now: input.now ?? new Date(),
  });
}

export type { OutgoingDelivery, SendDeps, SendResult } from "./channels/kind.ts";

/** The sender: CHANNELS' sendDelivery in production; tests inject one that talks to a local receiver. */
export type SendFn = (channel: SendableChannel, delivery: OutgoingDelivery, deps: SendDeps) => Promise<SendResult>;

/** Loading a channel for sending (secret opened) and recording what a send says about its health. */
export interface ChannelPort {
  load(sql: Sql, tenantId: string, channelId: string, secret: string, previous: readonly string[]): Promise<
    SendableChannel | null
  >;
  recordHealth: typeof recordChannelHealth;
}

export const defaultChannelPort: ChannelPort = { load: loadChannelForSending, recordHealth: recordChannelHealth };
export const defaultSend: SendFn = sendDelivery;

export interface RecordOptions {
  send: SendFn;
  maxAttempts: number;
  random: () => number;
  /** When each channel's success was last written (ms), so a busy channel's row is not updated per message. */
  healthWritten?: Map<string, number>;
}

interface RecordDeps {
  sql: Sql;
  config: Config;
  secret: string;
  now: () => Date;
  instanceId: string;
  logger: Logger;
}

const HEALTH_WRITE_EVERY_MS = 10_000;
const PERMANENT_CODES = new Set([404, 410]);

const toOutgoing = (r: ClaimedDelivery): OutgoingDelivery => ({
  id: r.id,
  eventId: r.event_id,
  eventType: r.event_type,
  payload: r.payload,
  createdAt: r.created_at,
  attempt: r.attempts,
});

/**
 * Sends one message (a delivery, or a channel's digest led by its oldest row,
 * whose id the message carries) and records it: one attempt row per delivery
 * and the outcome, in one transaction, if the lease is still ours.
 */
export async function recordSend(
  deps: RecordDeps,
  o: RecordOptions,
  channels: ChannelPort,
  rows: ClaimedDelivery[],
  channel: SendableChannel | null | Error,
): Promise<SendResult> {
  const lead = rows[0];
  const started = performance.now();
  let result: SendResult;
  if (channel instanceof Error) {
    // The channel could not be loaded (a secret that no longer opens): retried like a failed send.
    result = { ok: false, responseCode: null, error: `Channel not loaded: ${channel.message}`, latencyMs: 0 };
  } else if (!channel || channel.broken) {
    const error = channel ? "Not sent: the channel is marked broken" : "Not sent: the channel was deleted";
    result = { ok: false, responseCode: null, error, latencyMs: 0, permanent: true };
  } else {
    const message = { ...toOutgoing(lead), ...(lead.mode === "digest" ? { digest: rows.map(toOutgoing) } : {}) };
    try {
      result = await o.send(channel, message, { ...deps, tenantId: lead.tenant_id });
    } catch (error) {
      const latencyMs = Math.round(performance.now() - started);
      result = {
        ok: false,
        responseCode: null,
        error: error instanceof Error ? error.message : String(error),
        latencyMs,
      };
    }
  }
  const now = deps.now();
  const permanent = !result.ok && (result.permanent === true || PERMANENT_CODES.has(result.responseCode ?? 0));
  const exhausted = !result.ok && lead.attempts >= o.maxAttempts;
  const retryIn = result.retryAfterMs ?? retryDelayMs(lead.attempts, o.random);
  const status = result.ok ? "sent" : permanent || exhausted ? "dead" : "failed";
  const error = result.error?.slice(0, 2000) ?? (result.ok ? null : `HTTP ${result.responseCode}`);
  const record = async (sql: Sql) =>
    await recordOutcome(sql, rows, deps.instanceId, {
      attemptedAt: now,
      responseCode: result.responseCode !== null && result.responseCode >= 100 && result.responseCode <= 599
        ? result.responseCode
        : null,
      error,
      latencyMs: Math.max(0, Math.round(result.latencyMs)),
    }, {
      status,
      nextAttemptAt: status === "failed" ? new Date(now.getTime() + retryIn) : null,
      error,
      sentAt: result.ok ? now : null,
      digestId: lead.mode === "digest" ? lead.id : null,
    });
  const healthy = channel && !(channel instanceof Error) && !channel.broken;
  if (!healthy || !healthDue(o, lead.channel_id, result.ok)) {
    await record(deps.sql);
  } else {
    // The channel's health changes with the outcome, in the same transaction.
    await inTransaction(deps.sql, async (tx) => {
      const written = await record(tx);
      if (written.length > 0) await noteChannelHealth(tx, channels, o, lead, result, permanent, now);
    });
  }
  if (status === "dead") {
    deps.logger.warn("notification delivery dead", {
      delivery_id: lead.id,
      channel_id: lead.channel_id,
      attempts: lead.attempts,
      error,
      channel_broken: permanent,
    });
  }
  return result;
}

/** A failure is always written; a success at most every HEALTH_WRITE_EVERY_MS per channel (a busy channel's row). */
function healthDue(o: RecordOptions, channelId: string, ok: boolean): boolean {
  if (!ok) return true;
  return performance.now() - (o.healthWritten?.get(channelId) ?? -Infinity) >= HEALTH_WRITE_EVERY_MS;
}

async function noteChannelHealth(
  tx: Sql,
  channels: ChannelPort,
  o: RecordOptions,
  lead: ClaimedDelivery,
  result: SendResult,
  permanent: boolean,
  now: Date,
): Promise<void> {
  if (result.ok) {
    o.healthWritten?.set(lead.channel_id, performance.now());
    await channels.recordHealth(tx, lead.tenant_id, lead.channel_id, { ok: true, now });
    return;
  }
  // A failure is always written (and forgets the throttle, so the next success clears it at once).
  o.healthWritten?.delete(lead.channel_id);
  await channels.recordHealth(tx, lead.tenant_id, lead.channel_id, {
    ok: false,
    error: result.error ?? `HTTP ${result.responseCode}`,
    permanent,
    now,
  });
}
