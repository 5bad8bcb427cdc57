/**
 * The mail dispatcher: claims due outbox messages (only as many as it sends
 * at once, so nothing claimed waits in a local queue), sends each over SMTP
 * outside any transaction, then records the outcome if the lease is still
 * ours. The lease is short and renewed by a heartbeat while the sends run
 * (services/workers/lease.ts). A process that dies mid-send leaves rows
 * `sending`; when their lease runs out, seconds later, another process sends
 * them again (at-least-once). An SMTP 5xx is
 * permanent (RFC 5321); a 4xx, a network error or no SMTP configured is
 * retried with backoff until the attempt limit.
 */
import {
  claimDueMail,
  type ClaimedMail,
  recordMailOutcome,
  renewMailLeases,
  selectAttachments,
} from "../../db/queries/mail_outbox.ts";
import { type Mailer, mailerFromConfig, type MailMessage } from "../platform/mailer.ts";
import { retryDelayMs } from "../notifications/backoff.ts";
import { NO_SMTP } from "../notifications/channels/email/send.ts";
import type { BackgroundDeps } from "../workers/loop.ts";
import { type PollingWorker, pollingWorker } from "../workers/polling_worker.ts";
import { LEASE_MS } from "../workers/lease.ts";

export interface MailDispatcherOptions {
  /** The SMTP sender (from SMTP_URL by default); null when e-mail is not configured. */
  mailer?: Mailer | null;
  /** Attempts before a message is parked as dead, default 8. */
  maxAttempts?: number;
  /** How long a claim is ours unless renewed (ms), default LEASE_MS. */
  leaseMs?: number;
  /** How often the running dispatcher renews its leases (ms), default RENEW_EVERY_MS. */
  renewEveryMs?: number;
  /** Messages in flight at once (and so claimed at once), default 8. */
  concurrency?: number;
  /** Wait between empty ticks (ms), default 1 s. */
  pollMs?: number;
  random?: () => number;
}

export interface MailDispatcher {
  /** One claim-send-record round; resolves with the number of messages handled. */
  tick(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export function createMailDispatcher(deps: BackgroundDeps & MailDispatcherOptions): MailDispatcher {
  const o = {
    mailer: deps.mailer === undefined ? mailerFromConfig(deps.config) : deps.mailer,
    maxAttempts: deps.maxAttempts ?? 8,
    leaseMs: deps.leaseMs ?? LEASE_MS,
    concurrency: deps.concurrency ?? 8,
    pollMs: deps.pollMs ?? 1000,
    random: deps.random ?? Math.random,
  };
  let worker: PollingWorker | undefined;
  /** Messages claimed and not yet recorded: what the heartbeat renews. */
  const held = new Set<string>();
  const lease = () => {
    const now = deps.now();
    return { now, until: new Date(now.getTime() + o.leaseMs), by: deps.instanceId };
  };

  async function sendOne(mail: ClaimedMail): Promise<void> {
    const error = await attempt(mail);
    const now = deps.now();
    const outcome = error === null
      ? { status: "sent" as const, at: now }
      : error.permanent || mail.attempts >= o.maxAttempts
      ? { status: "dead" as const, error: error.message }
      : {
        status: "failed" as const,
        error: error.message,
        retryAt: new Date(now.getTime() + retryDelayMs(mail.attempts, o.random)),
      };
    await recordMailOutcome(deps.sql, mail.id, deps.instanceId, outcome);
  }

  async function attempt(mail: ClaimedMail): Promise<{ message: string; permanent: boolean } | null> {
    if (!o.mailer) return { message: NO_SMTP, permanent: false };
    const message: MailMessage = {
      to: mail.recipient,
      subject: mail.subject,
      text: mail.textBody,
      html: mail.htmlBody ?? undefined,
      headers: mail.headers,
      attachments: await selectAttachments(deps.sql, mail.tenantId, mail.id),
    };
    try {
      await o.mailer.send(message);
      return null;
    } catch (error) {
      const e = error as Error & { responseCode?: number };
      const code = typeof e.responseCode === "number" ? e.responseCode : null;
      return { message: `SMTP: ${e.message}`, permanent: code !== null && code >= 500 };
    }
  }

  async function tick(): Promise<number> {
    const claimed = await claimDueMail(deps.sql, lease(), o.concurrency);
    await Promise.all(claimed.map(async (mail) => {
      held.add(mail.id);
      try {
        await sendOne(mail);
      } catch (error) {
        // The row stays `sending` and is taken again when its lease runs out.
        deps.logger.error("mail dispatch failed", { error: String(error), mail: mail.id });
      } finally {
        held.delete(mail.id);
      }
    }));
    return claimed.length;
  }

  return {
    tick,
    start() {
      worker ??= pollingWorker(deps, {
        name: "mail dispatcher",
        telemetryName: "mail-dispatcher",
        pollMs: o.pollMs,
        pass: async () => (await tick()) === 0 ? o.pollMs : 0,
        renew: () => renewMailLeases(deps.sql, [...held], lease()),
        renewEveryMs: deps.renewEveryMs,
      });
    },
    async stop() {
      await worker?.stop();
    },
  };
}
