/**
 * The status-subscriptions worker: claims due subscriber messages (FOR UPDATE
 * SKIP LOCKED with a lease, so replicas share them). An e-mail is handed to
 * the mail outbox with its signed unsubscribe link and RFC 8058 one-click
 * headers (the mail dispatcher sends it); a webhook is POSTed here, signed
 * per Standard Webhooks with the subscriber's secret, the delivery id as
 * webhook-id, retried with backoff.
 */
import type { Sql } from "../../db/client.ts";
import { claimDueDeliveries, type DueDelivery, finishDelivery } from "../../db/queries/status_subscribers.ts";
import { getStatusPage } from "../../db/queries/status_pages.ts";
import { withTenant } from "../../db/tenant.ts";
import { enqueueMail } from "../mail/outbox.ts";
import { retryDelayMs } from "../notifications/backoff.ts";
import { channelKeyring } from "../notifications/channels.ts";
import { postForResult } from "../notifications/channels/http.ts";
import { signWebhook } from "../notifications/channels/webhook/standard_webhooks.ts";
import type { Resolver } from "../platform/net/resolve.ts";
import { type BackgroundDeps, type Loop, runLoop } from "../workers/loop.ts";
import { signToken, subscriberSecretAad } from "./subscriptions.ts";

const MAX_ATTEMPTS = 8;
const LEASE_MS = 60_000;

/** Where a page's public links point: its own domain, else OPSDECK_BASE_URL/status/<slug>. */
export function pageAddress(page: { slug: string; custom_domain: string | null }, baseUrl: string | undefined) {
  if (page.custom_domain) return `https://${page.custom_domain}`;
  return `${(baseUrl ?? "http://localhost:8000").replace(/\/$/, "")}/status/${page.slug}`;
}

interface Payload {
  page_id: string;
  page_title: string;
  incident_id: string;
  kind: string;
  title: string;
  status: string;
  impact: string;
  message: string;
  at: string;
}

async function mailOne(deps: BackgroundDeps, d: DueDelivery): Promise<void> {
  const p = d.payload as unknown as Payload;
  await withTenant(deps.sql, d.tenant_id, async (tx: Sql) => {
    const page = await getStatusPage(tx, d.tenant_id, p.page_id);
    if (!page) return;
    const address = pageAddress(page, deps.config.baseUrl);
    const unsubscribe = `${address}/unsubscribe?token=${await signToken(
      deps.secret,
      "unsubscribe",
      d.tenant_id,
      d.subscriber_id,
    )}`;
    await enqueueMail(tx, d.tenant_id, {
      purpose: "status_subscription",
      reference: d.subscriber_id,
      to: d.email!,
      subject: `[${p.page_title}] ${p.title}: ${p.status.replace("_", " ")}`,
      text: `${p.title}\nStatus: ${p.status.replace("_", " ")}\n\n${p.message}\n\n${address}\n\n` +
        `Unsubscribe: ${unsubscribe}\n`,
      headers: {
        "List-Unsubscribe": `<${unsubscribe}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    }, deps.now());
  });
}

async function postOne(deps: BackgroundDeps & { resolver?: Resolver }, d: DueDelivery) {
  const keys = await channelKeyring(deps.secret, deps.config.previousSecrets);
  const { secret } = JSON.parse(
    await keys.decrypt(
      { ciphertext: new Uint8Array(d.secret_ciphertext!), keyId: d.key_id! },
      subscriberSecretAad(d.subscriber_id),
    ),
  );
  const p = d.payload as unknown as Payload;
  const type = p.status === "resolved" || p.status === "completed" ? "incident.resolved" : "incident.updated";
  const body = JSON.stringify({ type, timestamp: p.at, data: p });
  const signed = await signWebhook(secret, d.id, deps.now(), body);
  return await postForResult(
    d.webhook_url!,
    { "content-type": "application/json", "user-agent": "Opsdeck-Status/1", ...signed },
    body,
    {
      sql: deps.sql,
      config: deps.config,
      secret: deps.secret,
      now: deps.now,
      tenantId: d.tenant_id,
      resolver: deps.resolver,
    },
  );
}

export function createStatusSubscriptionsWorker(deps: BackgroundDeps & { resolver?: Resolver; pollMs?: number }) {
  const pollMs = deps.pollMs ?? 2000;
  let loop: Loop | undefined;

  async function handle(d: DueDelivery): Promise<void> {
    const now = deps.now();
    let error: string | null = null;
    let permanent = false;
    if (d.kind === "email") {
      await mailOne(deps, d);
    } else {
      const r = await postOne(deps, d);
      if (!r.ok) {
        error = r.error;
        permanent = r.permanent ?? false;
      }
    }
    const dead = error !== null && (permanent || d.attempts + 1 >= MAX_ATTEMPTS);
    await finishDelivery(deps.sql, d.id, {
      status: error === null ? "sent" : dead ? "dead" : "failed",
      error,
      nextAt: new Date(now.getTime() + retryDelayMs(d.attempts + 1, Math.random)),
      now,
    });
  }

  async function tick(): Promise<number> {
    const claimed = await claimDueDeliveries(deps.sql, deps.now(), LEASE_MS, 20);
    await Promise.all(claimed.map(async (d) => {
      try {
        await handle(d);
      } catch (error) {
        // the lease runs out and another pass takes it again
        deps.logger.error("status subscription delivery failed", { error: String(error), delivery: d.id });
      }
    }));
    return claimed.length;
  }

  return {
    tick,
    start() {
      loop ??= runLoop({
        logger: deps.logger,
        failure: "status subscriptions tick failed",
        failureWaitMs: pollMs,
        pass: async () => (await tick()) === 0 ? pollMs : 0,
        passed: () => deps.telemetry?.tick("status-subscriptions"),
      });
    },
    async stop() {
      await loop?.stop();
    },
  };
}
