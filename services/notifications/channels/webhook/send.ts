/**
 * Webhook channels: the event's JSON envelope, signed per Standard Webhooks
 * with the channel's whsec_ secret, POSTed through the address-checked client.
 * 2xx is success; 404/410 are permanent (the channel is marked broken); 429
 * honours Retry-After; anything else is retried with backoff by the outbox.
 */
import { postForResult } from "../http.ts";
import {
  eventsOf,
  failure,
  type OutgoingDelivery,
  type SendableBase,
  type SendDeps,
  type SendResult,
} from "../kind.ts";
import { webhookDigest, webhookEnvelope } from "./message.ts";
import { signWebhook } from "./standard_webhooks.ts";

export interface WebhookChannel extends SendableBase {
  type: "webhook";
  url: string;
  secret: string;
}

export const USER_AGENT = "Opsdeck-Webhooks/1";

export async function sendWebhook(
  channel: WebhookChannel,
  delivery: OutgoingDelivery,
  deps: SendDeps,
): Promise<SendResult> {
  if (!channel.secret) return failure("The channel has no signing secret: edit and save it", { permanent: true });
  const events = eventsOf(delivery);
  const envelope = delivery.digest ? webhookDigest(events, delivery.createdAt) : webhookEnvelope(events[0]);
  const body = JSON.stringify(envelope);
  const signed = await signWebhook(channel.secret, delivery.id, deps.now(), body);
  return await postForResult(
    channel.url,
    {
      "content-type": "application/json",
      "user-agent": USER_AGENT,
      ...signed,
    },
    body,
    deps,
  );
}
