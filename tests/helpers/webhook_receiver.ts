/**
 * A webhook receiver on 127.0.0.1 that checks Standard Webhooks signatures
 * with the channel's secret, the way a user's receiver would, and records
 * every request (verified or not). Queued answers simulate faults.
 */
import { verifyWebhook } from "../../services/notifications/channels/webhook/standard_webhooks.ts";

export interface ReceivedWebhook {
  id: string | null;
  timestamp: string | null;
  signature: string | null;
  body: string;
  verified: boolean;
  headers: Headers;
}

/** A queued answer; `delayMs` holds it back first (a slow or hanging receiver). */
export interface Answer {
  status: number;
  retryAfter?: string;
  body?: string;
  delayMs?: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** The secret to verify with (set after the channel is created with a generated one). */
  secret: string;
  /** The next answers, in order; then 200. */
  answer(...responses: Answer[]): void;
  stop(): Promise<void>;
}

export function startWebhookReceiver(secret = ""): WebhookReceiver {
  const received: ReceivedWebhook[] = [];
  const queue: Answer[] = [];
  const receiver: WebhookReceiver = {
    url: "",
    received,
    secret,
    answer: (...responses) => queue.push(...responses),
    stop: () => server.shutdown(),
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const body = await req.text();
    const headers = {
      id: req.headers.get("webhook-id"),
      timestamp: req.headers.get("webhook-timestamp"),
      signature: req.headers.get("webhook-signature"),
    };
    // Verified against the header's own timestamp: tests run with fixed clocks in the past.
    const now = new Date(Number(headers.timestamp ?? 0) * 1000);
    const verified = await verifyWebhook(receiver.secret, headers, body, now);
    received.push({ ...headers, body, verified, headers: req.headers });
    const next = queue.shift();
    if (next?.delayMs) await new Promise((resolve) => setTimeout(resolve, next.delayMs));
    if (next) {
      return new Response(next.body ?? "", {
        status: next.status,
        headers: next.retryAfter ? { "retry-after": next.retryAfter } : {},
      });
    }
    return verified ? new Response("ok") : new Response("bad signature", { status: 401 });
  });
  receiver.url = `http://127.0.0.1:${server.addr.port}/hooks/opsdeck`;
  return receiver;
}
