/**
 * One message to one channel: picks the sender by type and returns what the
 * outbox records. Never throws for a failed send: a failure is a SendResult
 * (`permanent` when retrying cannot help, `retryAfterMs` when the receiver
 * said when to come back).
 */
import type { Sql } from "../../db/client.ts";
import type { Config } from "../config.ts";
import type { Resolver } from "../net/resolve.ts";
import { type ChannelRow, loadChannelForSending, type SendableChannel } from "./channels.ts";
import { sendEmail } from "./senders/email.ts";
import { sendSlack } from "./senders/slack.ts";
import { sendWebhook } from "./senders/webhook.ts";

export interface OutgoingDelivery {
  id: string;
  eventId: string;
  eventType: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  attempt: number;
  digest?: OutgoingDelivery[];
}

export interface SendResult {
  ok: boolean;
  responseCode: number | null;
  error: string | null;
  latencyMs: number;
  retryAfterMs?: number;
  permanent?: boolean;
}

export interface SendDeps {
  sql: Sql;
  config: Config;
  secret: string;
  now: () => Date;
  tenantId: string;
  /** Name resolution for webhook destinations (tests pass a static table). */
  resolver?: Resolver;
  /** How long one send may take; SEND_TIMEOUT_MS when absent. */
  timeoutMs?: number;
}

/** How long one send may take, connection included. */
export const SEND_TIMEOUT_MS = 10_000;

/**
 * Sends `delivery` through `channel`. The dispatcher may hand over the
 * channel's display row (no secret) instead of the loaded channel: it is then
 * loaded here, secret opened.
 */
export async function sendDelivery(
  channel: SendableChannel | ChannelRow,
  delivery: OutgoingDelivery,
  deps: SendDeps,
): Promise<SendResult> {
  const sendable = "config" in channel
    ? await loadChannelForSending(deps.sql, deps.tenantId, channel.id, deps.secret, deps.config.previousSecrets)
    : channel;
  if (!sendable) {
    return { ok: false, responseCode: null, error: "The channel was deleted", latencyMs: 0, permanent: true };
  }
  if (sendable.type === "slack") return await sendSlack(sendable, delivery, deps);
  if (sendable.type === "email") return await sendEmail(sendable, delivery, deps);
  return await sendWebhook(sendable, delivery, deps);
}

/** The event(s) a delivery carries, as the message builders read them. */
export function eventsOf(delivery: OutgoingDelivery) {
  return (delivery.digest ?? [delivery]).map((d) => ({
    eventId: d.eventId,
    eventType: d.eventType,
    payload: d.payload,
    createdAt: d.createdAt,
  }));
}

export function failure(error: string, extra: Partial<SendResult> = {}): SendResult {
  return { ok: false, responseCode: null, error, latencyMs: 0, ...extra };
}
