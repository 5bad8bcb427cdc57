/**
 * Heartbeat (push) checks in the Healthchecks.io style: a job pings
 * /api/v1/heartbeats/{token} when it succeeds, `/start` when it begins and
 * `/fail` when it fails. The deadline (next_run_at) is the ping time plus the
 * period, or the next cron occurrence in the check's timezone, plus the grace.
 * The scheduler's tick marks heartbeats past their deadline down with one
 * `heartbeat.missed` event per miss (later deadlines passing while it stays
 * down record results, not events). A heartbeat that was never pinged has no
 * deadline yet, so a new job does not page before its first run.
 *
 * Run-duration bounds: a success ping after a /start ping measures the run;
 * shorter than min_duration_ms or longer than max_duration_ms counts as a
 * failure, with the duration in the detail.
 */
import { createHash } from "node:crypto";
import { inPipelinedTransaction, inTransaction, type Sql } from "../../db/client.ts";
import { type CheckResultInsert, insertCheckResults, insertCheckResultsQuery } from "../../db/queries/check_results.ts";
import {
  type HeartbeatCheck,
  lockHeartbeatsByTokens,
  lockMissedHeartbeats,
  markHeartbeatsStarted,
  updateHeartbeats,
} from "../../db/queries/check_scheduler.ts";
import { batcherFor } from "./heartbeat_batcher.ts";
import { randomToken, sha256 } from "../auth/tokens.ts";
import { nextRun, parseCron } from "./cron.ts";
import { applyOutcome, type CheckEvent, emitCheckEvents, type ProbeStatus, stateOf } from "./transitions.ts";

export type PingKind = "success" | "start" | "fail";

const ACTOR = "system:heartbeats";
const MAX_INT = 2_147_483_647;

/** A new ping token (shown once, in the ping URL) and the SHA-256 that is stored. */
export async function generatePingToken(): Promise<{ token: string; hash: Uint8Array }> {
  const token = `hb_${randomToken(24)}`;
  return { token, hash: await sha256(token) };
}

export interface Ping {
  token: string;
  kind: PingKind;
  now: Date;
  body?: string;
}

/**
 * Records a ping. Unknown tokens answer found: false (the endpoint's 404) and
 * change nothing. Pings are group-committed (heartbeat_batcher.ts): this
 * resolves only after the transaction holding the ping has committed, so an
 * acknowledged ping is never lost.
 */
export function receivePing(sql: Sql, ping: Ping): Promise<{ found: boolean }> {
  return batcherFor(sql, recordPings).submit(ping);
}

/**
 * Records a batch of pings in one transaction, in their order (several pings
 * of one check apply one after another). Answers found per ping. Two round
 * trips when no ping changes a status (inPipelinedTransaction): BEGIN with the
 * lock of the pinged checks, then their new state and results with COMMIT.
 */
export async function recordPings(sql: Sql, pings: Ping[]): Promise<{ found: boolean }[]> {
  // node:crypto's digest is synchronous: no trip through WebCrypto's thread pool for every ping of the batch.
  const hex = pings.map((p) => createHash("sha256").update(p.token).digest("hex"));
  return await inPipelinedTransaction(sql, async (tx) => {
    const locked = await lockHeartbeatsByTokens(tx, [...new Set(hex)]);
    const byHash = new Map(locked.map((c) => [c.token_hash_hex, c]));
    // per check pinged: its row as the pings left it, the last ping's time, the last success or failure's time
    const pinged = new Map<string, { check: HeartbeatCheck; now: Date; outcomeAt: Date | null }>();
    const results: CheckResultInsert[] = [];
    const events: CheckEvent[] = [];
    const found = pings.map((ping, i) => {
      const check = byHash.get(hex[i]);
      if (!check) return { found: false };
      const outcome = applyPing(check, ping, results, events);
      const outcomeAt = outcome ? ping.now : pinged.get(check.id)?.outcomeAt ?? null;
      pinged.set(check.id, { check, now: ping.now, outcomeAt });
      return { found: true };
    });
    const touched = [...pinged.values()];
    const writes = [
      updateHeartbeats(
        tx,
        touched.filter((t) => t.outcomeAt).map((t) =>
          heartbeatUpdate(t.check, stateOf(t.check), t.outcomeAt!, {
            pingAt: t.check.last_ping_at,
            startAt: t.check.last_start_at,
          }, t.check.next_run_at)
        ),
      ),
      markHeartbeatsStarted(
        tx,
        touched.filter((t) => !t.outcomeAt).map((t) => ({ tenantId: t.check.tenant_id, id: t.check.id, at: t.now })),
      ),
      insertCheckResultsQuery(tx, results),
    ];
    if (events.length === 0) return { result: found, writes };
    // A transition: its events read the batch's new states, so the writes go first, awaited.
    for (const write of writes) await write;
    await emitCheckEvents(tx, pings[pings.length - 1].now, ACTOR, events, new Map());
    return { result: found, writes: [] };
  });
}

/**
 * One ping applied to the check's row in memory: a start remembers its time;
 * a success or failure moves the state machine and the deadline on, and adds
 * its result (and event, on a transition). Answers whether it was an outcome.
 */
function applyPing(
  check: HeartbeatCheck,
  ping: Ping,
  results: CheckResultInsert[],
  events: CheckEvent[],
): boolean {
  const now = ping.now;
  if (ping.kind === "start") {
    check.last_start_at = now;
    return false;
  }
  const durationMs = check.last_start_at ? now.getTime() - check.last_start_at.getTime() : null;
  let status: ProbeStatus = "up";
  // A job's log tail may carry NUL bytes, which PostgreSQL text cannot hold: everything else is kept.
  let detail = ping.body?.replaceAll("\0", "").trim().slice(0, 2000) || null;
  if (ping.kind === "fail") {
    status = "down";
    detail ??= "the job reported a failure (/fail)";
  } else if (durationMs !== null) {
    const bound = durationProblem(check, durationMs);
    if (bound) [status, detail] = ["down", detail ? `${bound}; ${detail}` : bound];
  }
  const { state, transition } = applyOutcome(stateOf(check), status, check.confirmations);
  const latencyMs = durationMs !== null && durationMs >= 0 && durationMs <= MAX_INT ? durationMs : null;
  results.push({
    tenantId: check.tenant_id,
    checkId: check.id,
    status,
    latencyMs,
    statusCode: null,
    detail,
    checkedAt: now,
  });
  if (transition?.notify) {
    const payload = { ...eventBase(check, detail, latencyMs, now), from: transition.from, to: transition.to };
    events.push({ type: `health_check.${transition.to}`, check: { ...check }, payload });
  }
  // Concurrent batches can commit out of order: a ping older than the one already applied still counts as a result,
  // but never moves the last ping or the deadline back.
  const newest = !check.last_ping_at || now >= check.last_ping_at;
  Object.assign(check, {
    status: state.status,
    consecutive_failures: state.consecutiveFailures,
    recent_outcomes: state.recentOutcomes,
    flapping: state.flapping,
    last_ping_at: newest ? now : check.last_ping_at,
    last_start_at: null,
    next_run_at: newest ? deadlineAfter(check, now) : check.next_run_at,
  });
  return true;
}

/**
 * Marks heartbeats past their deadline down (one transaction, rows locked
 * with SKIP LOCKED so several processes share the work). Returns how many.
 */
export async function processMissedHeartbeats(
  sql: Sql,
  now: Date,
  options: { actorLabel?: string; limit?: number } = {},
): Promise<number> {
  return await inTransaction(sql, async (tx) => {
    const missed = await lockMissedHeartbeats(tx, now, options.limit ?? 500);
    if (missed.length === 0) return 0;
    const events: CheckEvent[] = [];
    const details = new Map<string, string>();
    const updates = missed.map((check) => {
      const { state, transition } = applyOutcome(stateOf(check), "down", 1);
      const detail = `no ping since ${check.last_ping_at!.toISOString()} (deadline ${check.next_run_at.toISOString()})`;
      details.set(check.id, detail);
      if (transition?.notify) {
        events.push({
          type: "heartbeat.missed",
          check,
          payload: {
            ...eventBase(check, detail, null, now),
            from: transition.from,
            to: transition.to,
            last_ping_at: check.last_ping_at!.toISOString(),
            deadline: check.next_run_at.toISOString(),
          },
        });
      }
      return heartbeatUpdate(check, state, now, { pingAt: null, startAt: check.last_start_at });
    });
    await updateHeartbeats(tx, updates);
    await insertCheckResults(
      tx,
      missed.map((c) => ({
        tenantId: c.tenant_id,
        checkId: c.id,
        status: "down" as const,
        latencyMs: null,
        statusCode: null,
        detail: details.get(c.id)!,
        checkedAt: now,
      })),
    );
    const batchStatus = new Map(updates.map((u) => [u.id, u.status as string]));
    await emitCheckEvents(tx, now, options.actorLabel ?? ACTOR, events, batchStatus);
    return missed.length;
  });
}

/** The next deadline counted from `from`: the period or the next cron time, plus the grace. */
export function deadlineAfter(
  c: Pick<HeartbeatCheck, "cron" | "timezone" | "interval_seconds" | "grace_seconds">,
  from: Date,
): Date {
  const due = c.cron
    ? nextRun(parseCron(c.cron), c.timezone, from)
    : new Date(from.getTime() + c.interval_seconds * 1000);
  return new Date(due.getTime() + c.grace_seconds * 1000);
}

/** A heartbeat's new state row: a ping or a miss moves its deadline on from `now` (or to `nextRunAt`). */
function heartbeatUpdate(
  check: HeartbeatCheck,
  state: ReturnType<typeof applyOutcome>["state"],
  now: Date,
  pings: { pingAt: Date | null; startAt: Date | null },
  nextRunAt = deadlineAfter(check, now),
) {
  return {
    tenantId: check.tenant_id,
    id: check.id,
    ...state,
    checkedAt: now,
    nextRunAt,
    scheduledAt: null,
    claimedUntil: null,
    certExpiresAt: null,
    certFingerprint: null,
    certNotifiedFingerprint: null,
    ...pings,
  };
}

function durationProblem(c: HeartbeatCheck, ms: number): string | null {
  if (c.min_duration_ms !== null && ms < c.min_duration_ms) {
    return `the run took ${seconds(ms)}, less than the minimum ${seconds(c.min_duration_ms)}`;
  }
  if (c.max_duration_ms !== null && ms > c.max_duration_ms) {
    return `the run took ${seconds(ms)}, more than the maximum ${seconds(c.max_duration_ms)}`;
  }
  return null;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

function eventBase(c: HeartbeatCheck, detail: string | null, latencyMs: number | null, at: Date) {
  return {
    check_id: c.id,
    check_name: c.name,
    check_type: "heartbeat",
    project_id: c.project_id,
    project_name: c.project_name,
    client_id: c.client_id,
    url: null,
    target: null,
    detail,
    status_code: null,
    latency_ms: latencyMs,
    checked_at: at.toISOString(),
  };
}
