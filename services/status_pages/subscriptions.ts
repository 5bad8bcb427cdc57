/**
 * Subscribers of a status page. E-mail: double opt-in (the address gets a
 * confirmation link; nothing else is ever sent to an unconfirmed address, and
 * a second subscription of the same address sends nothing), and every
 * message carries a signed unsubscribe link (RFC 8058 one-click headers).
 * Webhook subscribers are added by an editor and get a Standard Webhooks
 * secret, shown once. Links are HMAC-signed with the installation secret, so
 * a forged or altered token is refused (400) without a lookup.
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/status_subscribers.ts";
import { publishedPageBySlug } from "../../db/queries/status_pages.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { enqueueMail } from "../mail/outbox.ts";
import { channelKeyring } from "../notifications/channels.ts";
import { checkTarget } from "../notifications/channels/http.ts";
import { generateWebhookSecret } from "../notifications/channels/webhook/standard_webhooks.ts";
import type { Config } from "../platform/config.ts";
import { BadRequestError, NotFoundError } from "../platform/errors.ts";
import { getStatusPage } from "../../db/queries/status_pages.ts";

type Purpose = "confirm" | "unsubscribe";

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");

async function mac(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(`status-subscriptions:${secret}`),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return b64url(new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message))));
}

/** `<tenant>.<subscriber>.<mac>`: which subscriber, for what, signed. */
export async function signToken(secret: string, purpose: Purpose, tenantId: string, subscriberId: string) {
  return `${tenantId}.${subscriberId}.${await mac(secret, `${purpose}:${tenantId}:${subscriberId}`)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The subscriber a token names, or a 400 for anything not signed by us for this purpose. */
export async function verifyToken(secret: string, purpose: Purpose, token: string | undefined) {
  const [tenantId, subscriberId, sig, extra] = (token ?? "").split(".");
  if (extra !== undefined || !UUID.test(tenantId ?? "") || !UUID.test(subscriberId ?? "") || !sig) {
    throw new BadRequestError("This link is not valid");
  }
  const expected = new TextEncoder().encode(await mac(secret, `${purpose}:${tenantId}:${subscriberId}`));
  const given = new TextEncoder().encode(sig);
  let diff = expected.length ^ given.length;
  for (let i = 0; i < Math.min(expected.length, given.length); i++) diff |= expected[i] ^ given[i];
  if (diff !== 0) throw new BadRequestError("This link is not valid");
  return { tenantId, subscriberId };
}

const ctxFor = (who: string, now: Date, ip: string | null): AuditContext => ({
  actor: null,
  actorLabel: who,
  ip,
  userAgent: null,
  now,
});

export interface PublicRequest {
  secret: string;
  now: Date;
  ip: string | null;
  /** The page's public address as the visitor sees it (https://status.acme.example or …/status/acme). */
  pageUrl: string;
}

/**
 * A visitor asks for updates by e-mail. The same answer whether or not the
 * address was already subscribed (nothing to learn, nothing re-sent).
 */
export async function subscribeEmail(sql: Sql, slug: string, email: string, r: PublicRequest): Promise<void> {
  const page = await publishedPageBySlug(sql, slug);
  if (!page) throw new NotFoundError("No such status page");
  await withTenant(sql, page.tenant_id, async (tx) => {
    const row = await q.insertEmailSubscriber(tx, page.tenant_id, page.id, email, r.now);
    if (!row) return;
    const link = `${r.pageUrl}/confirm?token=${await signToken(r.secret, "confirm", page.tenant_id, row.id)}`;
    await enqueueMail(tx, page.tenant_id, {
      purpose: "status_subscription",
      reference: row.id,
      to: email,
      subject: `Confirm updates from ${page.title}`,
      text: `Someone (hopefully you) asked for e-mail updates from ${page.title}.\n\n` +
        `Confirm here: ${link}\n\nIf it was not you, ignore this message: nothing more will be sent.`,
    }, r.now);
    await recordAudit(tx, ctxFor(email, r.now, r.ip), {
      tenantId: page.tenant_id,
      action: "status_subscriber.create",
      resourceType: "status_subscriber",
      resourceId: row.id,
      after: { page_id: page.id, kind: "email" },
    });
  });
}

export async function confirmSubscription(sql: Sql, token: string | undefined, r: Omit<PublicRequest, "pageUrl">) {
  const { tenantId, subscriberId } = await verifyToken(r.secret, "confirm", token);
  const done = await withTenant(sql, tenantId, async (tx) => {
    if (!await q.confirmSubscriber(tx, tenantId, subscriberId, r.now)) return false;
    await recordAudit(tx, ctxFor("subscriber", r.now, r.ip), {
      tenantId,
      action: "status_subscriber.confirm",
      resourceType: "status_subscriber",
      resourceId: subscriberId,
    });
    return true;
  });
  if (!done) throw new NotFoundError("This subscription no longer exists");
}

/** Unsubscribes (idempotent: a second click is fine). */
export async function unsubscribe(sql: Sql, token: string | undefined, r: Omit<PublicRequest, "pageUrl">) {
  const { tenantId, subscriberId } = await verifyToken(r.secret, "unsubscribe", token);
  await withTenant(sql, tenantId, async (tx) => {
    if (!await q.deleteSubscriber(tx, tenantId, subscriberId)) return;
    await recordAudit(tx, ctxFor("subscriber", r.now, r.ip), {
      tenantId,
      action: "status_subscriber.delete",
      resourceType: "status_subscriber",
      resourceId: subscriberId,
    });
  });
}

export function subscriberJson(s: q.SubscriberRow) {
  return {
    id: s.id,
    page_id: s.page_id,
    kind: s.kind,
    email: s.email,
    webhook_url: s.webhook_url,
    confirmed: s.confirmed_at !== null,
    created_at: s.created_at.toISOString(),
  };
}

export function subscriberSecretAad(id: string): string {
  return `status_subscribers.secret:${id}`;
}

/** An editor adds a webhook subscriber; the signing secret is returned this once. */
export async function addWebhookSubscriber(
  sql: Sql,
  principal: Principal,
  pageId: string,
  url: string,
  ctx: AuditContext,
  deps: { secret: string; config: Config },
) {
  authorize(principal, "status_pages", "read");
  await withTenant(sql, principal.tenantId, (tx) => visiblePage(tx, principal, pageId));
  authorize(principal, "status_pages", "write");
  await checkTarget("webhook_url", url, deps.config);
  const id = crypto.randomUUID();
  const signing = generateWebhookSecret();
  const keys = await channelKeyring(deps.secret, deps.config.previousSecrets);
  const sealed = await keys.encrypt(JSON.stringify({ secret: signing }), subscriberSecretAad(id));
  const row = await withTenant(sql, principal.tenantId, async (tx) => {
    const row = await q.insertWebhookSubscriber(tx, principal.tenantId, {
      id,
      pageId,
      url,
      secret: sealed.ciphertext,
      keyId: sealed.keyId,
      now: ctx.now,
    });
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "status_subscriber.create",
      resourceType: "status_subscriber",
      resourceId: id,
      after: { page_id: pageId, kind: "webhook", webhook_url: url },
    });
    return row;
  });
  return { ...subscriberJson(row), secret: signing };
}

async function visiblePage(tx: Sql, principal: Principal, pageId: string) {
  const page = await getStatusPage(tx, principal.tenantId, pageId);
  if (!page || (principal.clientId && page.client_id !== principal.clientId)) {
    throw new NotFoundError("No such status page");
  }
  return page;
}

export async function listSubscribers(sql: Sql, principal: Principal, pageId: string) {
  authorize(principal, "status_pages", "read");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    await visiblePage(tx, principal, pageId);
    authorize(principal, "status_pages", "write");
    return await q.listSubscribers(tx, principal.tenantId, pageId);
  });
}
