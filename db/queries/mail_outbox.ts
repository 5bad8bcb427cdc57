/**
 * The mail outbox: rows written in the transaction of the change that asks
 * for a message, claimed and sent by the mail dispatcher. Claims and
 * outcomes run on the owner role across tenants; reads for a tenant name it.
 */
import type { Sql } from "../client.ts";

export type MailStatus = "pending" | "sending" | "sent" | "failed" | "dead";

export interface MailAttachmentRow {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export interface NewMailRow {
  tenantId: string;
  purpose: string;
  reference: string | null;
  recipient: string;
  subject: string;
  textBody: string;
  htmlBody: string | null;
  headers: Record<string, string>;
  createdAt: Date;
}

export interface MailLogRow {
  id: string;
  purpose: string;
  reference: string | null;
  to: string;
  subject: string;
  status: MailStatus;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  createdAt: Date;
}

export type ClaimedMail = Omit<NewMailRow, "createdAt"> & { id: string; attempts: number };

export interface MailLease {
  now: Date;
  until: Date;
  by: string;
}

export async function insertMail(sql: Sql, row: NewMailRow, attachments: MailAttachmentRow[]): Promise<string> {
  const [{ id }] = await sql<{ id: string }[]>`
    INSERT INTO mail_outbox (tenant_id, purpose, reference, recipient, subject, text_body, html_body, headers,
                             next_attempt_at, created_at)
    VALUES (${row.tenantId}, ${row.purpose}, ${row.reference}, ${row.recipient}, ${row.subject}, ${row.textBody},
            ${row.htmlBody}, ${sql.json(row.headers)}, ${row.createdAt}, ${row.createdAt})
    RETURNING id`;
  for (const [position, a] of attachments.entries()) {
    await sql`
      INSERT INTO mail_outbox_attachments (tenant_id, mail_id, position, filename, content_type, content)
      VALUES (${row.tenantId}, ${id}, ${position}, ${a.filename}, ${a.contentType}, ${a.content})`;
  }
  return id;
}

const LOG_COLUMNS = (sql: Sql) =>
  sql`id, purpose, reference, recipient AS "to", subject, status, attempts, last_error AS "lastError",
      sent_at AS "sentAt", created_at AS "createdAt"`;

/** The messages sent for one thing (a report run, a subscriber), newest first. */
export async function selectMailLog(sql: Sql, tenantId: string, reference: string): Promise<MailLogRow[]> {
  return await sql<MailLogRow[]>`
    SELECT ${LOG_COLUMNS(sql)} FROM mail_outbox
    WHERE tenant_id = ${tenantId} AND reference = ${reference}
    ORDER BY created_at DESC, id DESC LIMIT 500`;
}

/**
 * Claims up to `limit` due messages: pending or failed and due, or sending
 * with an expired lease (their sender died). The claim counts the attempt, so
 * a message that kills its sender every time still reaches the limit.
 */
export async function claimDueMail(sql: Sql, lease: MailLease, limit: number): Promise<ClaimedMail[]> {
  return await sql<ClaimedMail[]>`
    WITH due AS (
      SELECT id FROM mail_outbox
      WHERE (status IN ('pending', 'failed') AND next_attempt_at <= ${lease.now})
         OR (status = 'sending' AND locked_until < ${lease.now})
      ORDER BY next_attempt_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE mail_outbox m
    SET status = 'sending', locked_until = ${lease.until}, locked_by = ${lease.by}, attempts = m.attempts + 1
    FROM due WHERE m.id = due.id
    RETURNING m.id, m.tenant_id AS "tenantId", m.purpose, m.reference, m.recipient, m.subject,
      m.text_body AS "textBody", m.html_body AS "htmlBody", m.headers, m.attempts`;
}

/** Extends this process's leases on messages it is still sending (the mail dispatcher's heartbeat). */
export async function renewMailLeases(sql: Sql, ids: string[], lease: MailLease): Promise<void> {
  if (ids.length === 0) return;
  await sql`
    UPDATE mail_outbox SET locked_until = ${lease.until}
    WHERE id = ANY (${ids}::uuid[]) AND status = 'sending' AND locked_by = ${lease.by}`;
}

export async function selectAttachments(sql: Sql, tenantId: string, mailId: string): Promise<MailAttachmentRow[]> {
  return await sql<MailAttachmentRow[]>`
    SELECT filename, content_type AS "contentType", content FROM mail_outbox_attachments
    WHERE tenant_id = ${tenantId} AND mail_id = ${mailId} ORDER BY position`;
}

export type MailOutcome =
  | { status: "sent"; at: Date }
  | { status: "failed"; error: string; retryAt: Date }
  | { status: "dead"; error: string };

/** Records how a send ended, only while the lease is still ours (false: another process took it over). */
export async function recordMailOutcome(sql: Sql, id: string, by: string, o: MailOutcome): Promise<boolean> {
  const r = o.status === "sent"
    ? await sql`
      UPDATE mail_outbox SET status = 'sent', sent_at = ${o.at}, locked_until = NULL, locked_by = NULL, last_error = NULL
      WHERE id = ${id} AND status = 'sending' AND locked_by = ${by}`
    : await sql`
      UPDATE mail_outbox SET status = ${o.status}, last_error = ${o.error.slice(0, 2000)},
        next_attempt_at = ${o.status === "failed" ? o.retryAt : sql`next_attempt_at`},
        locked_until = NULL, locked_by = NULL
      WHERE id = ${id} AND status = 'sending' AND locked_by = ${by}`;
  return r.count === 1;
}

/** Sends a finished message again (a replay from the log); false when it is unknown or still on its way. */
export async function requeueMail(sql: Sql, tenantId: string, id: string, now: Date): Promise<boolean> {
  const r = await sql`
    UPDATE mail_outbox SET status = 'pending', next_attempt_at = ${now}, attempts = 0, sent_at = NULL, last_error = NULL
    WHERE tenant_id = ${tenantId} AND id = ${id} AND status IN ('sent', 'dead', 'failed')`;
  return r.count === 1;
}

/** Sent and dead messages created before `cutoff`, in one bounded batch (the retention worker). */
export async function deleteFinishedMail(sql: Sql, cutoff: Date, limit: number): Promise<number> {
  const r = await sql`
    DELETE FROM mail_outbox WHERE id IN (
      SELECT id FROM mail_outbox WHERE status IN ('sent', 'dead') AND created_at < ${cutoff} LIMIT ${limit})`;
  return r.count;
}
