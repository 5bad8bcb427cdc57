/**
 * E-mail to people rather than to a notification channel (reports, status-page
 * subscribers, SLA statements, approval requests). A message is a row written
 * in the caller's transaction, so it exists exactly when the change that asks
 * for it committed; the mail dispatcher sends it afterwards, with retries.
 */
import type { Sql } from "../../db/client.ts";
import {
  insertMail,
  type MailAttachmentRow,
  type MailLogRow,
  requeueMail,
  selectMailLog,
} from "../../db/queries/mail_outbox.ts";

export type { MailLogRow, MailStatus } from "../../db/queries/mail_outbox.ts";
export type MailAttachment = MailAttachmentRow;

export interface OutgoingMail {
  /** What asks for it, a short snake_case word ("report", "status_subscription"). */
  purpose: string;
  /** The row it belongs to (a report run, a subscriber), for that thing's mail history. */
  reference: string | null;
  /** One address: one row per recipient, so the log says who got what. */
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  attachments?: MailAttachment[];
}

/** Queues a message inside the caller's tenant transaction. */
export async function enqueueMail(tx: Sql, tenantId: string, mail: OutgoingMail, now: Date): Promise<{ id: string }> {
  const id = await insertMail(tx, {
    tenantId,
    purpose: mail.purpose,
    reference: mail.reference,
    recipient: mail.to,
    subject: mail.subject,
    textBody: mail.text,
    htmlBody: mail.html ?? null,
    headers: mail.headers ?? {},
    createdAt: now,
  }, mail.attachments ?? []);
  return { id };
}

/** The messages of one thing, newest first. */
export async function mailLog(sql: Sql, tenantId: string, reference: string): Promise<MailLogRow[]> {
  return await selectMailLog(sql, tenantId, reference);
}

/** Sends a finished or failed message again now; false when unknown or still being sent. */
export async function replayMail(sql: Sql, tenantId: string, id: string, now = new Date()): Promise<boolean> {
  return await requeueMail(sql, tenantId, id, now);
}
