/**
 * The outbox dispatcher. It claims only what it is about to send: up to its
 * free send slots (FOR UPDATE SKIP LOCKED), committed as status `sending`
 * with a short lease (locked_until) and this process's name; a heartbeat
 * renews the leases of what it holds while the sends run
 * (services/workers/lease.ts). Each message is sent OUTSIDE any transaction
 * (a digest channel's due rows as one message; Slack channels paced about one
 * message a second, across replicas), and the attempt and outcome are recorded in one
 * transaction, only if the row is still ours: sent, failed (retry with
 * backoff or Retry-After), or dead (404/410 or a permanent error: the channel
 * is marked broken; or the attempt limit). A slot that frees claims again at
 * once. A process that dies leaves rows `sending` whose lease runs out within
 * seconds; the next claim takes them and sends them with the same delivery id
 * (at-least-once, receivers de-duplicate on it): only the ones truly in
 * flight at the kill can arrive twice.
 */
import {
  claimDigestRows,
  claimDue,
  type ClaimedDelivery,
  claimOne,
  type Lease,
  releaseClaims,
  renewLease,
} from "../../db/queries/notification_deliveries.ts";
import type { BackgroundDeps } from "../workers/loop.ts";
import { type PollingWorker, pollingWorker } from "../workers/polling_worker.ts";
import { LEASE_MS } from "../workers/lease.ts";
import { ConflictError } from "../platform/errors.ts";
import { sleep } from "./backoff.ts";
import { reservePaceSlot } from "../../db/queries/notification_channels.ts";
import { channelKind, type SendableChannel } from "./channels/registry.ts";
import { type ChannelPort, defaultChannelPort, defaultSend, recordSend, type SendFn } from "./outbox.ts";

export type { OutgoingDelivery, SendFn, SendResult } from "./outbox.ts";

export interface DispatcherOptions {
  /** The sender (CHANNELS' sendDelivery by default); tests inject their own. */
  send?: SendFn;
  /** Channel loading and health (CHANNELS' by default). */
  channels?: ChannelPort;
  /** Minimum gap between two messages to one Slack channel (ms), default 1000. */
  paceMs?: number;
  /** Attempts before a delivery is parked as dead, default 8. */
  maxAttempts?: number;
  /** How long a claim is ours unless renewed (ms), default LEASE_MS. */
  leaseMs?: number;
  /** How often the running dispatcher renews its leases (ms), default RENEW_EVERY_MS. */
  renewEveryMs?: number;
  /** Most deliveries claimed by one statement, default 200 (never more than the free send slots). */
  batchSize?: number;
  /** Sends in flight at once, default 32. */
  concurrency?: number;
  /** Wait between empty claims (ms), default 500. */
  pollMs?: number;
  random?: () => number;
}

export type DispatcherDeps = BackgroundDeps & DispatcherOptions;

export interface Dispatcher {
  /** Claims and sends until nothing more is due; resolves with the number of deliveries handled. */
  tick(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/** The longest a send waits for one Slack channel's pace before handing its rows back, due when the pace allows. */
const MAX_PACE_WAIT_MS = 10_000;
/** NOTIFYed when deliveries are committed (db/migrations/00110_outbox_wake_up.sql). */
export const OUTBOX_CHANNEL = "opsdeck_outbox";

/** "Send test" and "re-send now" send at once without a heartbeat: their lease covers one send. */
const SEND_NOW_LEASE_MS = 60_000;

/** What one message carries: one delivery, or a channel's due digest rows (led by the oldest). */
interface Unit {
  rows: ClaimedDelivery[];
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const o = {
    send: deps.send ?? defaultSend,
    maxAttempts: deps.maxAttempts ?? 8,
    leaseMs: deps.leaseMs ?? LEASE_MS,
    batchSize: deps.batchSize ?? 200,
    concurrency: deps.concurrency ?? 32,
    pollMs: deps.pollMs ?? 500,
    random: deps.random ?? Math.random,
    healthWritten: new Map<string, number>(),
  };
  const paceMs = deps.paceMs ?? 1000;
  const channels = deps.channels ?? defaultChannelPort;
  const stopping = new AbortController();
  let worker: PollingWorker | undefined;
  /** Rows claimed and not yet recorded or handed back: what the heartbeat renews. */
  const held = new Set<string>();
  /** Messages being sent: each holds one send slot. */
  const sending = new Set<Promise<void>>();

  const lease = (): Lease => {
    const now = deps.now();
    return { now, until: new Date(now.getTime() + o.leaseMs), by: deps.instanceId };
  };

  async function sendUnit(unit: Unit, channel: SendableChannel | null | Error): Promise<void> {
    const ids = unit.rows.map((r) => r.id);
    if (channel && !(channel instanceof Error) && channelKind(channel.type).paced && !channel.broken) {
      // The pace is the channel's, shared by every replica (db: paced_until).
      const wait = await reservePaceSlot(deps.sql, unit.rows[0].tenant_id, unit.rows[0].channel_id, {
        paceMs,
        maxWaitMs: MAX_PACE_WAIT_MS,
      });
      if (wait === null) {
        return await releaseClaims(deps.sql, ids, deps.instanceId, new Date(deps.now().getTime() + MAX_PACE_WAIT_MS));
      }
      if (!(await sleep(wait, stopping.signal))) return await releaseClaims(deps.sql, ids, deps.instanceId);
    }
    if (stopping.signal.aborted) return await releaseClaims(deps.sql, ids, deps.instanceId);
    // A heartbeat that found a row no longer ours (its lease ran out while the database was away): not sent.
    unit.rows = unit.rows.filter((r) => held.has(r.id));
    if (unit.rows.length === 0) return;
    const lead = unit.rows[0];
    const result = await recordSend(deps, o, channels, unit.rows, channel);
    const kind = channel && !(channel instanceof Error) ? channel.type : "unknown";
    deps.telemetry?.sent(kind, result.ok, (deps.now().getTime() - lead.created_at.getTime()) / 1000);
  }

  /** Claims up to the free send slots and starts sending them; resolves with the number of rows claimed. */
  async function claimAndStart(): Promise<number> {
    const free = Math.min(o.batchSize, o.concurrency - sending.size);
    if (free <= 0 || stopping.signal.aborted) return 0;
    const l = lease();
    const claimed = await claimDue(deps.sql, l, free);
    if (claimed.length === 0) return 0;
    const digestChannels = [...new Set(claimed.filter((r) => r.mode === "digest").map((r) => r.channel_id))];
    if (digestChannels.length > 0) claimed.push(...await claimDigestRows(deps.sql, digestChannels, l));
    for (const row of claimed) held.add(row.id);
    const loaded = new Map(
      await Promise.all(
        [...new Set(claimed.map((r) => `${r.tenant_id}/${r.channel_id}`))].map(async (key) => {
          const [tenantId, channelId] = key.split("/");
          return [channelId, await loadChannel(deps, channels, tenantId, channelId)] as const;
        }),
      ),
    );
    // Started in claim order: a paced channel's messages ask for their pace slots in about that order.
    for (const unit of toUnits(claimed)) {
      const run: Promise<void> = sendUnit(unit, loaded.get(unit.rows[0].channel_id) ?? null)
        .catch((error) => {
          // The rows stay `sending` and are taken again when the lease runs out.
          deps.logger.error("notification dispatch failed", { error: String(error), delivery: unit.rows[0].id });
        })
        .finally(() => {
          for (const row of unit.rows) held.delete(row.id);
          const wasFull = sending.size >= o.concurrency;
          sending.delete(run);
          if (wasFull) worker?.wake();
        });
      sending.add(run);
    }
    return claimed.length;
  }

  async function tick(): Promise<number> {
    let handled = 0;
    for (let round = await claimAndStart(); round > 0; round = await claimAndStart()) {
      handled += round;
      await Promise.all(sending);
    }
    await Promise.all(sending);
    return handled;
  }

  async function renew(): Promise<void> {
    if (held.size === 0) return;
    const ids = [...held];
    const ours = new Set(await renewLease(deps.sql, ids, lease()));
    for (const id of ids) if (!ours.has(id)) held.delete(id);
  }

  return {
    tick,
    start() {
      worker ??= pollingWorker(deps, {
        name: "notification dispatcher",
        telemetryName: "notification-dispatcher",
        pollMs: o.pollMs,
        // Claimed some and slots are left: more may be due at once. Otherwise wait (a freed slot wakes it).
        pass: async () => (await claimAndStart()) > 0 && sending.size < o.concurrency ? 0 : o.pollMs,
        // Woken when any process commits a delivery; the poll stays the fallback.
        listen: OUTBOX_CHANNEL,
        renew,
        renewEveryMs: deps.renewEveryMs,
        drain: () => Promise.all(sending),
      });
    },
    async stop() {
      stopping.abort();
      await worker?.stop();
      await Promise.all(sending);
    },
  };
}

/** Immediate rows one message each; a channel's digest rows one message, oldest first. */
function toUnits(rows: ClaimedDelivery[]): Unit[] {
  const units: Unit[] = [];
  const digests = new Map<string, ClaimedDelivery[]>();
  for (const row of rows) {
    if (row.mode === "digest") digests.set(row.channel_id, [...(digests.get(row.channel_id) ?? []), row]);
    else units.push({ rows: [row] });
  }
  for (const group of digests.values()) {
    group.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.id.localeCompare(b.id));
    units.push({ rows: group });
  }
  return units;
}

/** The channel with its secret opened; a failure to load is kept as the Error, recorded as a failed attempt. */
async function loadChannel(
  deps: DispatcherDeps,
  channels: ChannelPort,
  tenantId: string,
  channelId: string,
): Promise<SendableChannel | null | Error> {
  try {
    return await channels.load(deps.sql, tenantId, channelId, deps.secret, deps.config.previousSecrets);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * "Send test" and "re-send now": claims this one delivery (whatever its
 * schedule), sends it at once and records it like the dispatcher does. A
 * delivery another process is sending right now is a 409.
 */
export async function deliverNow(deps: DispatcherDeps, tenantId: string, deliveryId: string) {
  const now = deps.now();
  const rows = await claimOne(deps.sql, tenantId, deliveryId, {
    now,
    until: new Date(now.getTime() + SEND_NOW_LEASE_MS),
    by: deps.instanceId,
  });
  if (rows.length === 0) throw new ConflictError("This delivery is being sent right now or was already sent");
  const channel = await loadChannel(deps, defaultChannelPort, tenantId, rows[0].channel_id);
  const options = {
    send: deps.send ?? defaultSend,
    maxAttempts: deps.maxAttempts ?? 8,
    random: deps.random ?? Math.random,
  };
  // A digest row sent on its own is a message of its own.
  return await recordSend(deps, options, defaultChannelPort, rows.map((r) => ({ ...r, mode: "immediate" })), channel);
}
