/** Status page subscribers and their message outbox (00080). */
import type { Sql } from "../client.ts";

export interface SubscriberRow {
  id: string;
  tenant_id: string;
  page_id: string;
  kind: "email" | "webhook";
  email: string | null;
  webhook_url: string | null;
  secret_ciphertext: Uint8Array | null;
  key_id: string | null;
  confirmed_at: Date | null;
  created_at: Date;
}

/** Inserts an unconfirmed e-mail subscriber; undefined when the address is already subscribed. */
export async function insertEmailSubscriber(sql: Sql, tenantId: string, pageId: string, email: string, now: Date) {
  const [row] = await sql<SubscriberRow[]>`
    INSERT INTO status_subscribers (tenant_id, page_id, kind, email, created_at)
    VALUES (${tenantId}, ${pageId}, 'email', ${email}, ${now})
    ON CONFLICT DO NOTHING RETURNING *`;
  return row;
}

export async function insertWebhookSubscriber(
  sql: Sql,
  tenantId: string,
  s: { id: string; pageId: string; url: string; secret: Uint8Array; keyId: string; now: Date },
): Promise<SubscriberRow> {
  const [row] = await sql<SubscriberRow[]>`
    INSERT INTO status_subscribers (id, tenant_id, page_id, kind, webhook_url, secret_ciphertext, key_id, confirmed_at,
                                    created_at)
    VALUES (${s.id}, ${tenantId}, ${s.pageId}, 'webhook', ${s.url}, ${s.secret}, ${s.keyId}, ${s.now}, ${s.now})
    RETURNING *`;
  return row;
}

export async function getSubscriber(sql: Sql, tenantId: string, id: string): Promise<SubscriberRow | undefined> {
  const [row] = await sql<
    SubscriberRow[]
  >`SELECT * FROM status_subscribers WHERE tenant_id = ${tenantId} AND id = ${id}`;
  return row;
}

export async function confirmSubscriber(sql: Sql, tenantId: string, id: string, now: Date): Promise<boolean> {
  const r = await sql`
    UPDATE status_subscribers SET confirmed_at = coalesce(confirmed_at, ${now})
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
  return r.count > 0;
}

export async function deleteSubscriber(sql: Sql, tenantId: string, id: string): Promise<boolean> {
  const r = await sql`DELETE FROM status_subscribers WHERE tenant_id = ${tenantId} AND id = ${id}`;
  return r.count > 0;
}

export async function confirmedSubscribers(sql: Sql, tenantId: string, pageId: string): Promise<SubscriberRow[]> {
  return await sql<SubscriberRow[]>`
    SELECT * FROM status_subscribers
    WHERE tenant_id = ${tenantId} AND page_id = ${pageId} AND confirmed_at IS NOT NULL`;
}

export async function listSubscribers(sql: Sql, tenantId: string, pageId: string): Promise<SubscriberRow[]> {
  return await sql<SubscriberRow[]>`
    SELECT * FROM status_subscribers WHERE tenant_id = ${tenantId} AND page_id = ${pageId}
    ORDER BY created_at DESC, id LIMIT 1000`;
}

export async function enqueueDeliveries(
  sql: Sql,
  tenantId: string,
  subscriberIds: string[],
  payload: Record<string, unknown>,
  now: Date,
): Promise<void> {
  if (!subscriberIds.length) return;
  await sql`
    INSERT INTO status_deliveries (tenant_id, subscriber_id, payload, next_attempt_at, created_at)
    SELECT ${tenantId}, unnest(${subscriberIds}::uuid[]), ${sql.json(payload as never)}, ${now}, ${now}`;
}

export interface DueDelivery {
  id: string;
  tenant_id: string;
  subscriber_id: string;
  payload: Record<string, unknown>;
  attempts: number;
  kind: "email" | "webhook";
  email: string | null;
  webhook_url: string | null;
  secret_ciphertext: Uint8Array | null;
  key_id: string | null;
}

/** Tenantless (the dispatcher): claims due deliveries for `leaseMs`, skipping rows another replica holds. */
export async function claimDueDeliveries(sql: Sql, now: Date, leaseMs: number, limit: number): Promise<DueDelivery[]> {
  return await sql<DueDelivery[]>`
    WITH due AS (
      SELECT id FROM status_deliveries
      WHERE status IN ('pending', 'failed') AND next_attempt_at <= ${now}
        AND (locked_until IS NULL OR locked_until <= ${now})
      ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
    )
    UPDATE status_deliveries d SET locked_until = ${new Date(now.getTime() + leaseMs)}
    FROM due, status_subscribers s
    WHERE d.id = due.id AND s.tenant_id = d.tenant_id AND s.id = d.subscriber_id
    RETURNING d.id, d.tenant_id, d.subscriber_id, d.payload, d.attempts, s.kind, s.email, s.webhook_url,
      s.secret_ciphertext, s.key_id`;
}

export async function finishDelivery(
  sql: Sql,
  id: string,
  r: { status: "sent" | "failed" | "dead"; error: string | null; nextAt: Date; now: Date },
): Promise<void> {
  await sql`
    UPDATE status_deliveries SET status = ${r.status}, attempts = attempts + 1, last_error = ${r.error},
      next_attempt_at = ${r.nextAt}, locked_until = NULL, sent_at = ${r.status === "sent" ? r.now : null}
    WHERE id = ${id}`;
}
