/**
 * Webhook channels: the event's JSON envelope, signed per Standard Webhooks
 * with the channel's whsec_ secret, POSTed through the address-checked client.
 * 2xx is success; 404/410 are permanent (the channel is marked broken); 429
 * honours Retry-After; anything else is retried with backoff by the outbox.
 */
import { parseRetryAfter } from "../backoff.ts";
import type { SendableChannel } from "../channels.ts";
import { webhookDigest, webhookEnvelope } from "../messages/webhook.ts";
import { eventsOf, failure, type OutgoingDelivery, SEND_TIMEOUT_MS, type SendDeps, type SendResult } from "../send.ts";
import { signWebhook } from "../standard_webhooks.ts";
import { OutboundError, postJson } from "./http.ts";

type WebhookChannel = Extract<SendableChannel, { type: "webhook" }>;

export const USER_AGENT = "Opsdeck-Webhooks/1";
/** Enough of a receiver's answer to show in the delivery log. */
const ANSWER_BYTES = 2048;

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

/** POST and classify the answer (shared by Slack incoming webhooks). */
export async function postForResult(
  url: string,
  headers: Record<string, string>,
  body: string,
  deps: SendDeps,
  permanentCodes: readonly number[] = [404, 410],
): Promise<SendResult> {
  try {
    const res = await postJson({
      url,
      headers,
      body,
      config: deps.config,
      resolver: deps.resolver,
      timeoutMs: deps.timeoutMs ?? SEND_TIMEOUT_MS,
      maxBodyBytes: ANSWER_BYTES,
    });
    const base = { responseCode: res.status, latencyMs: res.latencyMs };
    if (res.status >= 200 && res.status < 300) return { ok: true, error: null, ...base };
    const answer = res.body.trim().slice(0, 300);
    const error = `HTTP ${res.status}${answer ? `: ${answer}` : ""}`;
    if (res.status === 429) {
      return { ok: false, error, ...base, retryAfterMs: parseRetryAfter(res.headers.get("retry-after"), deps.now()) };
    }
    if (res.status >= 300 && res.status < 400) {
      return {
        ok: false,
        error: `HTTP ${res.status}: redirects are not followed (to ${res.headers.get("location")})`,
        ...base,
      };
    }
    return { ok: false, error, ...base, permanent: permanentCodes.includes(res.status) };
  } catch (error) {
    // A refused destination is retried too: an administrator may allow its range meanwhile.
    if (error instanceof OutboundError) return failure(error.message);
    throw error;
  }
}
