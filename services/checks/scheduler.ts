/**
 * The probe scheduler, a background worker in every Opsdeck process.
 *
 * Due checks are claimed from PostgreSQL with FOR UPDATE SKIP LOCKED and a
 * short lease (claimed_until/claimed_by) renewed every few seconds while the
 * run is probed and written (services/workers/lease.ts), so several processes
 * on one database split the work and a check runs once per interval; a check
 * whose process died is claimed again within one lease. No more checks are claimed
 * than there are free probe slots (config.probeConcurrency; a run frees its
 * slot when its probe ends), so nothing claimed waits in a local queue; and
 * none while more than BACKLOG_BATCHES batches of finished runs wait to be
 * written, so a slow database slows claiming instead of piling up results.
 * Outcomes are collected for `flushMs` (or up to `flushSize`) and written in
 * one transaction: results, states, events. One write runs at a time; what
 * finishes meanwhile goes into the next one (group commit), so a slow write
 * makes the next batch bigger instead of queueing small ones behind it.
 *
 * It serves every tenant on the owner connection (no row-level security);
 * every statement names tenant_id (db/queries/check_scheduler.ts).
 */
import { inTransaction } from "../../db/client.ts";
import {
  claimDueProbes,
  type ClaimedCheck,
  finishProbes,
  releaseClaims,
  renewProbeClaims,
  runKey,
} from "../../db/queries/check_scheduler.ts";
import type { StateUpdate } from "../../db/queries/check_scheduler.ts";
import { insertCheckResults } from "../../db/queries/check_results.ts";
import { type BackgroundDeps, type Loop, runLoop } from "../workers/loop.ts";
import { LEASE_MS, type Renewal, startRenewal } from "../workers/lease.ts";
import { type ProbeDefinition, type ProbeDeps, type ProbeOutcome, runProbe } from "./probe.ts";
import { processMissedHeartbeats } from "./heartbeats.ts";
import {
  applyOutcome,
  certificateUpdate,
  type CheckEvent,
  emitCheckEvents,
  nextRunAt,
  stateOf,
} from "./transitions.ts";

export type Probe = (def: ProbeDefinition, deps: ProbeDeps) => Promise<ProbeOutcome>;

export interface SchedulerDeps extends BackgroundDeps {
  probe?: Probe;
  /** Passed to every probe (tests: a resolver, the targets' CA). */
  probeDeps?: Omit<ProbeDeps, "config" | "signal">;
  /** Most checks claimed by one statement (default 200). */
  batchSize?: number;
  /** Wait between claims when nothing was due (default 100 ms). */
  pollMs?: number;
  /** How long outcomes are collected before one write (default 100 ms), and at most how many (200). */
  flushMs?: number;
  flushSize?: number;
  /** How long a claim holds before it is renewed or taken over (default LEASE_MS). */
  leaseMs?: number;
  /** How often the running scheduler renews its claims (default RENEW_EVERY_MS). */
  renewEveryMs?: number;
  /** How long stop() lets running probes finish before aborting them (default 2 s). */
  stopGraceMs?: number;
}

export interface Scheduler {
  /** One pass driven by deps.now(): claim due checks, run them, write, then missed heartbeats. */
  tick(): Promise<{ claimed: number; finished: number }>;
  start(): void;
  stop(): Promise<void>;
}

interface Finished {
  check: ClaimedCheck;
  outcome: ProbeOutcome;
  startedAt: Date;
}

/** Batches of finished runs that may wait to be written before claiming stops. */
const BACKLOG_BATCHES = 4;
const ACTOR = "system:scheduler";
const RETRY_MS = 250;

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const probe = deps.probe ?? runProbe;
  const batchSize = deps.batchSize ?? 200;
  const pollMs = deps.pollMs ?? 100;
  const flushMs = deps.flushMs ?? 100;
  const flushSize = deps.flushSize ?? 200;
  const leaseMs = deps.leaseMs ?? LEASE_MS;
  const concurrency = Math.max(1, deps.config.probeConcurrency);
  const stopAbort = new AbortController();
  const running = new Map<string, Promise<void>>();
  let buffer: Finished[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let flushing: Promise<unknown> = Promise.resolve();
  let writing = false;
  let stopping = false;
  let loop: Loop | null = null;
  let renewal: Renewal | null = null;
  let lastHeartbeatScan = 0;
  /** Claims this process holds: probing, or finished and not yet written. The heartbeat renews them. */
  const held = new Map<string, ClaimedCheck>();
  let writtenTotal = 0;
  /** Finished runs not yet written: past `backlog` of them, nothing is claimed until a batch is written. */
  let unwritten = 0;
  const backlog = BACKLOG_BATCHES * flushSize;
  /**
   * A pass that found more due than it had slots for claims again once this many slots are free, not as
   * each probe ends: claiming a few checks per statement spent the round trips on claims, not probes.
   */
  const minClaim = Math.ceil(Math.min(batchSize, concurrency) / 4);
  const full = () => concurrency - running.size < minClaim || unwritten >= backlog;
  /** How many checks the last claim asked for. */
  let offered = 0;

  /** Written runs leave `held`, unless a fresh claim of the same check took their place (it is renewed on). */
  function forget(items: Finished[]) {
    for (const i of items) if (held.get(i.check.id) === i.check) held.delete(i.check.id);
  }

  async function claimAndStart(): Promise<number> {
    // A finished probe's slot is free at once: waiting for its batch's commit (~150 ms at 10,000 checks/min)
    // capped the scheduler at about concurrency / 0.15 s checks/s while the CPU still had room.
    const free = Math.min(concurrency - running.size, backlog - unwritten);
    offered = 0;
    if (free <= 0 || stopping) return 0;
    offered = Math.min(batchSize, free);
    const claimed = await claimDueProbes(deps.sql, {
      now: deps.now(),
      instanceId: deps.instanceId,
      limit: offered,
      leaseMs,
    });
    if (stopping) {
      await releaseClaims(deps.sql, deps.instanceId, claimed);
      return 0;
    }
    for (const check of claimed) {
      // Our own lease ran out while the database was away and we claimed it again: the run in flight counts.
      if (running.has(check.id)) continue;
      held.set(check.id, check);
      const run = runOne(check).finally(() => freeing(() => running.delete(check.id)));
      running.set(check.id, run);
    }
    return claimed.length;
  }

  async function runOne(check: ClaimedCheck): Promise<void> {
    const startedAt = deps.now();
    // The probe enforces timeout_ms itself; this is the backstop, and the stop switch.
    const signal = AbortSignal.any([stopAbort.signal, AbortSignal.timeout(check.timeout_ms + 1_000)]);
    let outcome: ProbeOutcome;
    try {
      outcome = await probe(check, { ...deps.probeDeps, config: deps.config, signal });
    } catch (error) {
      outcome = { status: "down", latencyMs: null, statusCode: null, detail: String(error), certificate: null };
    }
    deps.telemetry?.probe(check.type, outcome.status, (startedAt.getTime() - check.next_run_at.getTime()) / 1000);
    if (stopAbort.signal.aborted) {
      // Cut short by shutdown: not a real outcome. The lease goes back so another process runs it now.
      held.delete(check.id);
      await releaseClaims(deps.sql, deps.instanceId, [check]).catch(() => {});
      return;
    }
    buffer.push({ check, outcome, startedAt });
    unwritten++;
    if (buffer.length >= flushSize) scheduleFlush(0);
    else scheduleFlush(flushMs);
  }

  function scheduleFlush(delay: number) {
    if (flushTimer !== undefined) {
      if (delay > 0) return;
      clearTimeout(flushTimer);
    }
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      void flushNow();
    }, delay);
  }

  /**
   * Group commit: one write at a time, and the next one takes everything that finished meanwhile. A
   * write per timer tick queued many small batches behind a slow one, each with its own round trips
   * and commit, so under load the writes fell behind, the backlog filled and claiming stopped.
   */
  function flushNow(): Promise<unknown> {
    if (writing || buffer.length === 0) return flushing;
    const items = buffer;
    buffer = [];
    writing = true;
    let kept = false;
    flushing = writeBatch(items).catch((error) => {
      deps.logger.error("scheduler: writing results failed", { error: String(error), results: items.length });
      // Kept and written again once the database answers: dropped, their leases would hold
      // the checks unscheduled for a whole lease (timeout + 30 s) after an outage.
      if (!stopping) {
        buffer = items.concat(buffer);
        kept = true;
      }
    }).finally(() => {
      writing = false;
      if (kept) scheduleFlush(RETRY_MS);
      else {
        forget(items);
        freeing(() => unwritten -= items.length);
        // What finished during this write has waited as long as a timer would have made it.
        if (buffer.length) void flushNow();
      }
    });
    return flushing;
  }

  async function writeBatch(items: Finished[]): Promise<number> {
    const now = deps.now();
    const updates: StateUpdate[] = [];
    const details = new Map<string, string | null>();
    const events: (CheckEvent & { runStartedAt: Date })[] = [];
    for (const { check, outcome, startedAt } of items) {
      const { state, transition } = applyOutcome(stateOf(check), outcome.status, check.confirmations);
      const cert = outcome.certificate
        ? certificateUpdate(
          {
            fingerprint: check.cert_fingerprint,
            notifiedFingerprint: check.cert_notified_fingerprint,
            expiryDays: check.cert_expiry_days,
          },
          outcome.certificate,
          now,
        )
        : null;
      let detail = outcome.detail;
      if (cert?.replaced) {
        const note = `certificate changed (was ${cert.replaced.slice(0, 16)}…, now ${cert.fingerprint.slice(0, 16)}…)`;
        detail = detail ? `${detail}; ${note}` : note;
      }
      details.set(check.id, detail);
      updates.push({
        tenantId: check.tenant_id,
        id: check.id,
        ...state,
        checkedAt: startedAt,
        nextRunAt: nextRunAt(check.id, check.interval_seconds, check.next_run_at.getTime(), now.getTime()),
        scheduledAt: check.next_run_at,
        claimedUntil: check.claimed_until,
        certExpiresAt: cert?.expiresAt ?? null,
        certFingerprint: cert?.fingerprint ?? null,
        certNotifiedFingerprint: cert?.notifiedFingerprint ?? null,
      });
      const base = eventBase(check, outcome, detail, startedAt);
      if (transition?.notify) {
        events.push({
          type: `health_check.${transition.to}`,
          check,
          runStartedAt: startedAt,
          payload: { ...base, from: transition.from, to: transition.to },
        });
      }
      if (cert?.expiring && outcome.certificate) {
        events.push({
          type: "certificate.expiring",
          check,
          runStartedAt: startedAt,
          payload: {
            ...base,
            days_left: cert.expiring.daysLeft,
            not_after: outcome.certificate.notAfter.toISOString(),
            subject: outcome.certificate.subject,
            issuer: outcome.certificate.issuer,
            fingerprint: cert.fingerprint,
          },
        });
      }
    }
    return await inTransaction(deps.sql, async (tx) => {
      const written = await finishProbes(tx, deps.instanceId, updates);
      const wrote = (id: string, checkedAt: Date) => written.has(runKey(id, checkedAt));
      const rows = items.filter((i) => wrote(i.check.id, i.startedAt)).map(({ check, outcome, startedAt }) => ({
        tenantId: check.tenant_id,
        checkId: check.id,
        status: outcome.status,
        latencyMs: outcome.latencyMs === null ? null : Math.round(outcome.latencyMs),
        statusCode: outcome.statusCode,
        detail: details.get(check.id)?.slice(0, 2000) ?? null,
        checkedAt: startedAt,
      }));
      await insertCheckResults(tx, rows);
      const batchStatus = new Map(
        updates.filter((u) => wrote(u.id, u.checkedAt)).map((u) => [u.id, u.status as string]),
      );
      await emitCheckEvents(tx, now, ACTOR, events.filter((e) => wrote(e.check.id, e.runStartedAt)), batchStatus);
      return written.size;
    }).then((n) => {
      writtenTotal += n;
      return n;
    });
  }

  async function tick(): Promise<{ claimed: number; finished: number }> {
    const writtenBefore = writtenTotal;
    let claimed = 0;
    for (let round = await claimAndStart(); round > 0; round = await claimAndStart()) {
      claimed += round;
      await Promise.all(running.values());
      await writeBuffered();
    }
    await writeBuffered();
    await processMissedHeartbeats(deps.sql, deps.now(), { actorLabel: ACTOR });
    return { claimed, finished: writtenTotal - writtenBefore };
  }

  /** For tick(): writes what is buffered now, and lets a failure reach the caller. */
  async function writeBuffered(): Promise<void> {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    while (writing) await flushing;
    const items = buffer;
    buffer = [];
    try {
      if (items.length) await writeBatch(items);
    } finally {
      unwritten -= items.length;
      forget(items);
    }
  }

  /** One pass of the running loop; the wait it returns is cut short when a slot frees while all were busy. */
  async function pass(): Promise<number> {
    // The heartbeat scan runs beside the claim, not before the next one.
    const [claimed] = await Promise.all([claimAndStart(), scanHeartbeats()]);
    // Every slot offered was taken, so more may be due: go on at once, or as soon as enough slots free up.
    return claimed > 0 && claimed === offered && !full() ? 0 : pollMs;
  }

  async function scanHeartbeats(): Promise<void> {
    if (Date.now() - lastHeartbeatScan < 1_000) return;
    lastHeartbeatScan = Date.now();
    await processMissedHeartbeats(deps.sql, deps.now(), { actorLabel: ACTOR });
  }

  /** Runs `free` (a probe ended, a batch was written); a pass that stopped because all was full goes on at once. */
  function freeing(free: () => void) {
    const wasFull = full();
    free();
    if (wasFull && !full()) loop?.wake();
  }

  return {
    tick,
    start() {
      // A short retry: the pool's reconnect backoff is capped at 0.5 s, so scheduling resumes
      // within a second of the database answering again.
      loop ??= runLoop({
        logger: deps.logger,
        failure: "scheduler: claiming failed",
        failureWaitMs: RETRY_MS,
        pass,
        passed: () => deps.telemetry?.tick("scheduler"),
      });
      renewal ??= startRenewal({
        name: "scheduler",
        logger: deps.logger,
        everyMs: deps.renewEveryMs,
        renew: () =>
          renewProbeClaims(deps.sql, deps.instanceId, [...held.values()], new Date(deps.now().getTime() + leaseMs)),
      });
    },
    async stop() {
      stopping = true;
      const stopGrace = deps.stopGraceMs ?? 2_000;
      await loop?.stop();
      let graceTimer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(running.values()),
        new Promise((r) => graceTimer = setTimeout(r, stopGrace)),
      ]);
      clearTimeout(graceTimer);
      stopAbort.abort();
      await Promise.all(running.values());
      clearTimeout(flushTimer);
      flushTimer = undefined;
      while (writing || buffer.length) await flushNow();
      renewal?.stop();
    },
  };
}

function eventBase(c: ClaimedCheck, o: ProbeOutcome, detail: string | null, checkedAt: Date) {
  return {
    check_id: c.id,
    check_name: c.name,
    check_type: c.type,
    project_id: c.project_id,
    project_name: c.project_name,
    client_id: c.client_id,
    url: c.url,
    target: c.type === "http" ? c.url : `${c.host}:${c.port}`,
    detail,
    status_code: o.statusCode,
    latency_ms: o.latencyMs === null ? null : Math.round(o.latencyMs),
    checked_at: checkedAt.toISOString(),
  };
}
