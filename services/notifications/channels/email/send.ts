/**
 * E-mail channels over SMTP (SMTP_URL, SMTP_FROM): one message to all of the
 * channel's recipients, text and HTML parts. Without SMTP_URL the send fails
 * with a message saying so (retried: the channel itself is not at fault).
 * An SMTP 5xx reply is permanent (RFC 5321), a 4xx or a network error is retried.
 */
import { mailerFromConfig } from "../../../platform/mailer.ts";
import {
  eventsOf,
  failure,
  type OutgoingDelivery,
  type SendableBase,
  type SendDeps,
  type SendResult,
} from "../kind.ts";
import { emailDigest, emailForEvent } from "./message.ts";

export interface EmailChannel extends SendableBase {
  type: "email";
  to: string[];
}

export const NO_SMTP = "E-mail is not configured on this server: set SMTP_URL (and SMTP_FROM)";

export async function sendEmail(
  channel: EmailChannel,
  delivery: OutgoingDelivery,
  deps: SendDeps,
): Promise<SendResult> {
  const mailer = mailerFromConfig(deps.config);
  if (!mailer) return failure(NO_SMTP);
  if (channel.to.length === 0) return failure("The channel has no recipients", { permanent: true });
  const events = eventsOf(delivery);
  const content = delivery.digest
    ? emailDigest(events, deps.config.baseUrl)
    : emailForEvent(events[0], deps.config.baseUrl);
  const started = performance.now();
  try {
    await mailer.send({ to: channel.to.join(", "), ...content });
    return { ok: true, responseCode: 250, error: null, latencyMs: elapsed(started) };
  } catch (error) {
    const e = error as Error & { responseCode?: number };
    const code = typeof e.responseCode === "number" ? e.responseCode : null;
    return {
      ok: false,
      responseCode: code,
      error: `SMTP: ${e.message}`.slice(0, 500),
      latencyMs: elapsed(started),
      permanent: code !== null && code >= 500,
    };
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
