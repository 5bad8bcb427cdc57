/**
 * Outbound e-mail over SMTP (SMTP_URL, SMTP_FROM) with nodemailer. Without
 * SMTP_URL there is no mailer, and callers show links on screen instead.
 */
import { Buffer } from "node:buffer";
import type { Transporter } from "nodemailer";
import type { Config } from "./config.ts";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers (List-Unsubscribe, …). */
  headers?: Record<string, string>;
  attachments?: { filename: string; contentType: string; content: Uint8Array }[];
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Connection and greeting limits, so a dead SMTP server cannot hold a request for minutes. */
const TIMEOUT_MS = 10_000;

/**
 * A mailer for the configured SMTP server, or null when SMTP is not set.
 * nodemailer connects per message; building the transport itself is cheap.
 * nodemailer is loaded by the first message sent, not by every process that
 * imports the app.
 */
export function mailerFromConfig(config: Pick<Config, "smtpUrl" | "smtpFrom">): Mailer | null {
  const smtpUrl = config.smtpUrl;
  if (!smtpUrl) return null;
  let loaded: Promise<Transporter> | undefined;
  const transporter = () =>
    loaded ??= import("nodemailer").then(({ default: nodemailer }) =>
      // Keys the URL sets (host, port, auth, secure) win; the timeouts fill in.
      nodemailer.createTransport({
        url: smtpUrl,
        connectionTimeout: TIMEOUT_MS,
        greetingTimeout: TIMEOUT_MS,
        socketTimeout: TIMEOUT_MS,
      })
    );
  return {
    async send(message) {
      const transport = await transporter();
      const attachments = message.attachments?.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: Buffer.from(a.content),
      }));
      await transport.sendMail({ from: config.smtpFrom, ...message, attachments });
    },
  };
}
