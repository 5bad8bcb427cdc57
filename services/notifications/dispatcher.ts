/**
 * The outbox dispatcher. Each tick:
 *  1. claims due deliveries (FOR UPDATE SKIP LOCKED) and commits the claim:
 *     status `sending`, a lease (locked_until) and this process's name;
 *  2. sends each OUTSIDE any transaction (a digest channel's due rows as one
 *     message; Slack channels paced about one message a second);
 *  3. records the attempt and the outcome in one transaction, only if the
 *     lease is still ours: sent, failed (retry with backoff or Retry-After),
 *     or dead (404/410 or a permanent error: the channel is marked broken; or
 *     the attempt limit).
 * A process that dies between 1 and 3 leaves rows `sending` with a lease that
 * runs out; the next claim takes them again and sends them with the same
 * delivery id (at-least-once, receivers de-duplicate on it).
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
import { type BackgroundDeps, type Loop, runLoop } from "../workers/loop.ts";
import { ConflictError } from "../platform/errors.ts";
import { Pacer, sleep } from "./backoff.ts";
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
  /** How long a claim is ours before another process may take it (ms), default 120 s. */
  leaseMs?: number;
  /** Deliveries claimed per tick, default 200. */
  batchSize?: number;
  /** Sends in flight at once, default 32. */
  concurrency?: number;
  /** Wait between empty ticks (ms), default 500. */
  pollMs?: number;
  random?: () => number;
}

export type DispatcherDeps = BackgroundDeps & DispatcherOptions;

export interface Dispatcher {
  /** One claim-send-record round; resolves with the number of deliveries handled. */
  tick(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/** The longest a tick waits for one Slack channel's pace before handing the rest of its messages back. */
const MAX_PACE_WAIT_MS = 10_000;

/** What one message carries: one delivery, or a channel's due digest rows (led by the oldest). */
interface Unit {
  rows: ClaimedDelivery[];
  claimedAt: number;
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const o = {
    send: deps.send ?? defaultSend,
    maxAttempts: deps.maxAttempts ?? 8,
    leaseMs: deps.leaseMs ?? 120_000,
    batchSize: deps.batchSize ?? 200,
    concurrency: deps.concurrency ?? 32,
    pollMs: deps.pollMs ?? 500,
    random: deps.random ?? Math.random,
    healthWritten: new Map<string, number>(),
  };
  const pacer = new Pacer(deps.paceMs ?? 1000);
  const channels = deps.channels ?? defaultChannelPort;
  const stopping = new AbortController();
  let loop: Loop | undefined;

  const lease = (): Lease => {
    const now = deps.now();
    return { now, until: new Date(now.getTime() + o.leaseMs), by: deps.instanceId };
  };

  async function sendUnit(unit: Unit, channel: SendableChannel | null | Error): Promise<void> {
    const ids = unit.rows.map((r) => r.id);
    if (channel && !(channel instanceof Error) && channelKind(channel.type).paced && !channel.broken) {
      // A tick waits for a Slack channel's pace only so long; the rest go back, due when the pace allows.
      const queued = pacer.wait(unit.rows[0].channel_id);
      if (queued > MAX_PACE_WAIT_MS) {
        return await releaseClaims(deps.sql, ids, deps.instanceId, new Date(deps.now().getTime() + queued));
      }
      const wait = pacer.reserve(unit.rows[0].channel_id);
      if (!(await sleep(wait, stopping.signal))) return await releaseClaims(deps.sql, ids, deps.instanceId);
    }
    if (stopping.signal.aborted) return await releaseClaims(deps.sql, ids, deps.instanceId);
    // A long pacing wait may outlive the lease: renew it, and send only what is still ours.
    if (performance.now() - unit.claimedAt > o.leaseMs / 2) {
      const ours = new Set(await renewLease(deps.sql, ids, lease()));
      unit.rows = unit.rows.filter((r) => ours.has(r.id));
      if (unit.rows.length === 0) return;
    }
    const lead = unit.rows[0];
    const result = await recordSend(deps, o, channels, unit.rows, channel);
    const kind = channel && !(channel instanceof Error) ? channel.type : "unknown";
    deps.telemetry?.sent(kind, result.ok, (deps.now().getTime() - lead.created_at.getTime()) / 1000);
  }

  /** Claims, groups into messages, loads each channel once, sends with a concurrency cap. */
  async function tick(): Promise<number> {
    const l = lease();
    const claimed = await claimDue(deps.sql, l, o.batchSize);
    if (claimed.length === 0) return 0;
    const digestChannels = [...new Set(claimed.filter((r) => r.mode === "digest").map((r) => r.channel_id))];
    if (digestChannels.length > 0) claimed.push(...await claimDigestRows(deps.sql, digestChannels, l));
    const units = toUnits(claimed);
    const loaded = new Map(
      await Promise.all(
        [...new Set(claimed.map((r) => `${r.tenant_id}/${r.channel_id}`))].map(async (key) => {
          const [tenantId, channelId] = key.split("/");
          return [channelId, await loadChannel(deps, channels, tenantId, channelId)] as const;
        }),
      ),
    );
    // Units of one channel go in order (one lane); lanes run side by side, at most `concurrency` at once.
    const lanes = new Map<string, Unit[]>();
    for (const unit of units) {
      const channelId = unit.rows[0].channel_id;
      const channel = loaded.get(channelId);
      const key = channel && !(channel instanceof Error) && channelKind(channel.type).paced
        ? channelId
        : unit.rows[0].id;
      lanes.set(key, [...(lanes.get(key) ?? []), unit]);
    }
    const queue = [...lanes.values()];
    const worker = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        for (const unit of lane) {
          try {
            await sendUnit(unit, loaded.get(unit.rows[0].channel_id) ?? null);
          } catch (error) {
            // The rows stay `sending` and are taken again when the lease runs out.
            deps.logger.error("notification dispatch failed", { error: String(error), delivery: unit.rows[0].id });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency, queue.length) }, worker));
    return claimed.length;
  }

  return {
    tick,
    start() {
      loop ??= runLoop({
        logger: deps.logger,
        failure: "notification dispatcher tick failed",
        failureWaitMs: o.pollMs,
        pass: async () => (await tick()) === 0 ? o.pollMs : 0,
        passed: () => deps.telemetry?.tick("notification-dispatcher"),
      });
    },
    async stop() {
      stopping.abort();
      await loop?.stop();
    },
  };
}

/** Immediate rows one message each; a channel's digest rows one message, oldest first. */
function toUnits(rows: ClaimedDelivery[]): Unit[] {
  const claimedAt = performance.now();
  const units: Unit[] = [];
  const digests = new Map<string, ClaimedDelivery[]>();
  for (const row of rows) {
    if (row.mode === "digest") digests.set(row.channel_id, [...(digests.get(row.channel_id) ?? []), row]);
    else units.push({ rows: [row], claimedAt });
  }
  for (const group of digests.values()) {
    group.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.id.localeCompare(b.id));
    units.push({ rows: group, claimedAt });
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
  const leaseMs = deps.leaseMs ?? 120_000;
  const rows = await claimOne(deps.sql, tenantId, deliveryId, {
    now,
    until: new Date(now.getTime() + leaseMs),
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
