/**
 * One message to one channel: hands it to the channel's kind
 * (channels/registry.ts) and returns what the outbox records. Never throws
 * for a failed send: a failure is a SendResult (`permanent` when retrying
 * cannot help, `retryAfterMs` when the receiver said when to come back).
 */
import { type ChannelRow, loadChannelForSending } from "./channels.ts";
import type { OutgoingDelivery, SendDeps, SendResult } from "./channels/kind.ts";
import { channelKind, type SendableChannel } from "./channels/registry.ts";

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
  return await channelKind(sendable.type).send(sendable, delivery, deps);
}
