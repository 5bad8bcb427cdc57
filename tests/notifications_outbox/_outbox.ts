/**
 * Outbox test kit: channels and rules straight into the database, events
 * through emitEvent, a webhook receiver on 127.0.0.1 whose answers a test
 * scripts, and a send function that POSTs to it (the one network seam).
 */
import type { Sql } from "../../db/client.ts";
import { withTenant } from "../../db/tenant.ts";
import type { EventType } from "../../db/queries/events.ts";
import { emitEvent } from "../../services/events/emit.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { silentLogger } from "../../services/platform/logger.ts";
import { parseRetryAfter } from "../../services/notifications/backoff.ts";
import type { DispatcherDeps, SendFn } from "../../services/notifications/dispatcher.ts";

export const SECRET = "test-secret-test-secret-test-secret-0000";

export async function genChannel(
  sql: Sql,
  tenantId: string,
  o: { type?: "slack" | "email" | "webhook"; url?: string; name?: string; broken?: boolean; timeoutMs?: number } = {},
): Promise<string> {
  const url = o.url ?? "http://127.0.0.1:9/none";
  const config = o.type === "slack" ? { channel: "#ops" } : o.type === "email" ? { to: ["ops@example.com"] } : { url };
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO notification_channels (tenant_id, name, type, config, broken)
    VALUES (${tenantId}, ${o.name ?? `chan-${crypto.randomUUID().slice(0, 6)}`}, ${o.type ?? "webhook"},
      ${sql.json(config)}, ${o.broken ?? false})
    RETURNING id`;
  destinations.set(row.id, { url, timeoutMs: o.timeoutMs ?? 2000 });
  return row.id;
}

/** Where postSend delivers for each channel made here (a Slack or e-mail channel has no URL of its own). */
const destinations = new Map<string, { url: string; timeoutMs: number }>();

export async function genRule(
  sql: Sql,
  tenantId: string,
  channelId: string,
  o: { eventTypes?: string[]; projectId?: string | null; digestMinutes?: number; enabled?: boolean } = {},
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO notification_rules (tenant_id, project_id, channel_id, event_types, mode, digest_minutes, enabled)
    VALUES (${tenantId}, ${o.projectId ?? null}, ${channelId}, ${o.eventTypes ?? ["deployment.failed"]},
      ${o.digestMinutes ? "digest" : "immediate"}, ${o.digestMinutes ?? null}, ${o.enabled ?? true})
    RETURNING id`;
  return row.id;
}

/** Emits an event the way services do: inside a tenant transaction, with a system actor. */
export async function emit(
  sql: Sql,
  tenantId: string,
  o: {
    type?: EventType;
    projectId?: string | null;
    now?: Date;
    payload?: Record<string, unknown>;
    heldBack?: "maintenance";
  } = {},
): Promise<string> {
  const now = o.now ?? new Date();
  return await withTenant(
    sql,
    tenantId,
    (tx) =>
      emitEvent(tx, { actor: null, actorLabel: "system:test", ip: null, userAgent: null, now }, {
        tenantId,
        type: o.type ?? "deployment.failed",
        subject: { type: "deployment", id: crypto.randomUUID() },
        projectId: o.projectId ?? null,
        payload: o.payload ?? { name: "shop" },
        heldBack: o.heldBack,
      }),
  );
}

export interface Received {
  id: string;
  body: { id: string; event_type: string; attempt: number; digest: string[] };
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Answers for the next requests, in order; then 200. A function answers from the request. */
  script: (Response | "hang" | "close")[];
  stop(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 that records every request and answers as scripted. */
export function startReceiver(): Receiver {
  const received: Received[] = [];
  const script: Receiver["script"] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const body = await req.json();
    received.push({ id: req.headers.get("webhook-id") ?? "", body, at: performance.now() });
    const next = script.shift();
    if (next === "hang") {
      // Longer than any test sender's timeout.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return new Response("too late");
    }
    if (next === "close") throw new Error("closed on purpose");
    return next ?? new Response("ok");
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/hook`,
    received,
    script,
    stop: () => server.shutdown(),
  };
}

/** POSTs the delivery to the channel's url with its id as `webhook-id`, as a webhook sender does. */
export const postSend: SendFn = async (channel, delivery, deps) => {
  const started = performance.now();
  const known = destinations.get(channel.id);
  const url = known?.url ?? (channel as { url: string }).url;
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "webhook-id": delivery.id },
      body: JSON.stringify({
        id: delivery.id,
        event_type: delivery.eventType,
        attempt: delivery.attempt,
        digest: (delivery.digest ?? []).map((d) => d.id),
      }),
      signal: AbortSignal.timeout(known?.timeoutMs ?? 2000),
    });
    await res.body?.cancel();
    const latencyMs = performance.now() - started;
    return {
      ok: res.ok,
      responseCode: res.status,
      error: res.ok ? null : `HTTP ${res.status}`,
      latencyMs,
      retryAfterMs: res.status === 429 ? parseRetryAfter(res.headers.get("retry-after"), deps.now()) : undefined,
    };
  } catch (error) {
    const e = error as Error & { cause?: Error };
    const message = e.cause?.message ? `${e.message}: ${e.cause.message}` : e.message;
    return { ok: false, responseCode: null, error: message, latencyMs: performance.now() - started };
  }
};

/** A clock the test moves by hand. */
export function manualClock(start: Date) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
    set(date: Date) {
      now = date.getTime();
    },
  };
}

export function dispatcherDeps(sql: Sql, now: () => Date, extra: Partial<DispatcherDeps> = {}): DispatcherDeps {
  return {
    sql,
    config: loadConfig({ OPSDECK_SECRET: SECRET }),
    logger: silentLogger,
    now,
    secret: SECRET,
    instanceId: `test-${crypto.randomUUID().slice(0, 8)}`,
    send: postSend,
    random: () => 0.5,
    ...extra,
  };
}

export async function deliveryStates(sql: Sql, tenantId: string) {
  return await sql<
    {
      id: string;
      channel_id: string;
      status: string;
      attempts: number;
      next_attempt_at: Date;
      last_error: string | null;
    }[]
  >`
    SELECT id, channel_id, status, attempts, next_attempt_at, last_error FROM notification_deliveries
    WHERE tenant_id = ${tenantId} ORDER BY created_at, id`;
}
