/**
 * The check state machine and the scheduler's timing rules, as pure functions
 * (the scheduler and the heartbeat endpoint feed them rows and write back what
 * they return; tests drive them directly).
 *
 * - `confirmations` consecutive failures before a check is `down`; `degraded`
 *   comes from the probe (slow but otherwise fine) and needs no confirmation.
 * - Flap detection in the manner of Nagios: the last 21 raw outcomes are kept;
 *   the share of the 20 neighbouring pairs that differ is the state change
 *   rate. At FLAP_START (30 %) or more the check is flapping: its published
 *   status is held and no events are emitted; it settles below FLAP_STOP
 *   (15 %), and if the status it settles in differs from the held one, that is
 *   one ordinary transition with one event. Raw results are always recorded.
 * - A new check's first `up` is not an event (nothing recovered); its first
 *   `down` or `degraded` is.
 * `emitCheckEvents` at the end is the one part that writes: the events of a
 * batch of transitions, with their hold-back.
 */
import type { Sql } from "../../db/client.ts";
import { statusesOf } from "../../db/queries/check_scheduler.ts";
import type { CheckStatus } from "../../db/queries/health_checks.ts";
import type { AuditContext } from "../audits/record.ts";
import { emitEvent } from "../events/emit.ts";
import { activeMaintenance } from "../maintenance/coverage.ts";

export type ProbeStatus = Exclude<CheckStatus, "unknown">;

export const FLAP_WINDOW = 21;
export const FLAP_START = 0.3;
export const FLAP_STOP = 0.15;

export interface CheckState {
  status: CheckStatus;
  consecutiveFailures: number;
  /** One letter per raw outcome, newest last: u, d, g. */
  recentOutcomes: string;
  flapping: boolean;
}

export interface Transition {
  from: CheckStatus;
  to: ProbeStatus;
  /** Whether the transition deserves an event (see the module comment). */
  notify: boolean;
}

export interface Applied {
  state: CheckState;
  transition: Transition | null;
}

/** The state columns of a health_checks row. */
export function stateOf(
  row: { status: CheckStatus; consecutive_failures: number; recent_outcomes: string; flapping: boolean },
): CheckState {
  return {
    status: row.status,
    consecutiveFailures: row.consecutive_failures,
    recentOutcomes: row.recent_outcomes,
    flapping: row.flapping,
  };
}

const LETTER: Record<ProbeStatus, string> = { up: "u", down: "d", degraded: "g" };

/** The state after one more raw outcome. */
export function applyOutcome(prev: CheckState, outcome: ProbeStatus, confirmations: number): Applied {
  const consecutiveFailures = outcome === "down" ? prev.consecutiveFailures + 1 : 0;
  const recentOutcomes = (prev.recentOutcomes + LETTER[outcome]).slice(-FLAP_WINDOW);
  const rate = changeRate(recentOutcomes);
  const flapping = prev.flapping ? rate >= FLAP_STOP : rate >= FLAP_START;

  let candidate: CheckStatus;
  if (outcome !== "down") candidate = outcome;
  else if (consecutiveFailures >= confirmations) candidate = "down";
  else candidate = prev.status;

  const status = flapping && prev.status !== "unknown" ? prev.status : candidate;
  const state = { status, consecutiveFailures, recentOutcomes, flapping };
  if (status === prev.status || status === "unknown") return { state, transition: null };
  return {
    state,
    transition: { from: prev.status, to: status, notify: !(prev.status === "unknown" && status === "up") },
  };
}

/** Share of neighbouring outcomes that differ, over the full window (a short history counts as calm). */
export function changeRate(outcomes: string): number {
  return changeCount(outcomes) / (FLAP_WINDOW - 1);
}

/** How many neighbouring outcomes differ. */
export function changeCount(outcomes: string): number {
  let changes = 0;
  for (let i = 1; i < outcomes.length; i++) if (outcomes[i] !== outcomes[i - 1]) changes++;
  return changes;
}

export interface CertificateSeen {
  notAfter: Date;
  fingerprint256: string;
  subject: string;
}

export interface CertificateState {
  fingerprint: string | null;
  notifiedFingerprint: string | null;
  expiryDays: number;
}

export interface CertificateUpdate {
  fingerprint: string;
  notifiedFingerprint: string | null;
  expiresAt: Date;
  /** The previous certificate's fingerprint when the certificate was replaced. */
  replaced: string | null;
  /** Set once per certificate: emit certificate.expiring. */
  expiring: { daysLeft: number } | null;
}

const DAY_MS = 86_400_000;

/**
 * What a probe's certificate changes: a new fingerprint is recorded (noted in
 * the result's detail, no event); a certificate within `expiryDays` of its
 * end is announced once — a renewed certificate has a new fingerprint and is
 * judged afresh.
 */
export function certificateUpdate(prev: CertificateState, cert: CertificateSeen, now: Date): CertificateUpdate {
  const fingerprint = cert.fingerprint256.toLowerCase();
  const replaced = prev.fingerprint && prev.fingerprint !== fingerprint ? prev.fingerprint : null;
  const msLeft = cert.notAfter.getTime() - now.getTime();
  const due = msLeft < prev.expiryDays * DAY_MS && prev.notifiedFingerprint !== fingerprint;
  return {
    fingerprint,
    notifiedFingerprint: due ? fingerprint : prev.notifiedFingerprint,
    expiresAt: cert.notAfter,
    replaced,
    expiring: due ? { daysLeft: Math.max(0, Math.floor(msLeft / DAY_MS)) } : null,
  };
}

/**
 * A stable phase in [0, intervalMs) per check (FNV-1a of its id): checks with
 * the same interval spread evenly over it instead of all running at once.
 */
export function phaseOf(checkId: string, intervalMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < checkId.length; i++) {
    h ^= checkId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % intervalMs;
}

/**
 * The next run after the run scheduled at `scheduledMs`: the check's first
 * phase slot at least half an interval later. Counted from the scheduled time,
 * not from when the probe finished, so lateness never accumulates (no drift);
 * a run that was not phase-aligned ("run now", a new check) joins its phase
 * within one interval. After downtime the missed runs are skipped, not
 * replayed in a burst.
 */
export function nextRunAt(checkId: string, intervalSeconds: number, scheduledMs: number, nowMs: number): Date {
  const interval = intervalSeconds * 1000;
  const phase = phaseOf(checkId, interval);
  const slotAtOrAfter = (t: number) => t + ((((phase - t) % interval) + interval) % interval);
  let next = slotAtOrAfter(scheduledMs + Math.floor(interval / 2));
  if (next <= nowMs) next = slotAtOrAfter(nowMs + 1);
  return new Date(next);
}

/** A transition's event about to be emitted, with the check it is about. */
export interface CheckEvent {
  type: "health_check.down" | "health_check.up" | "health_check.degraded" | "heartbeat.missed" | "certificate.expiring";
  check: { id: string; tenant_id: string; project_id: string; depends_on_id: string | null };
  payload: Record<string, unknown>;
}

const HOLDABLE = new Set(["health_check.down", "health_check.degraded", "heartbeat.missed"]);

/**
 * Emits the events of one batch in its transaction. Down, degraded and missed
 * events are held back (recorded, not paged) while the check's parent is down
 * ("dependency", checked first) or a maintenance window covers its project;
 * recoveries and certificate notices never are. `batchStatus` holds the
 * statuses this batch just wrote, so a parent that went down in the same batch
 * counts.
 */
export async function emitCheckEvents(
  tx: Sql,
  now: Date,
  actorLabel: string,
  events: CheckEvent[],
  batchStatus: Map<string, string>,
): Promise<void> {
  if (events.length === 0) return;
  const holdable = events.filter((e) => HOLDABLE.has(e.type));
  const parents = holdable.filter((e) => e.check.depends_on_id && !batchStatus.has(e.check.depends_on_id))
    .map((e) => ({ tenantId: e.check.tenant_id, id: e.check.depends_on_id! }));
  const parentStatus = new Map([...await statusesOf(tx, parents), ...batchStatus]);
  const projectsByTenant = new Map<string, Set<string>>();
  for (const e of holdable) {
    const set = projectsByTenant.get(e.check.tenant_id) ?? new Set();
    projectsByTenant.set(e.check.tenant_id, set.add(e.check.project_id));
  }
  const inMaintenance = new Set<string>();
  for (const [tenantId, projectIds] of projectsByTenant) {
    for (const id of await activeMaintenance(tx, tenantId, [...projectIds], now)) inMaintenance.add(id);
  }
  const ctx: AuditContext = { actor: null, actorLabel, ip: null, userAgent: null, now };
  for (const e of events) {
    let heldBack: "dependency" | "maintenance" | undefined;
    if (HOLDABLE.has(e.type)) {
      if (e.check.depends_on_id && parentStatus.get(e.check.depends_on_id) === "down") heldBack = "dependency";
      else if (inMaintenance.has(e.check.project_id)) heldBack = "maintenance";
    }
    await emitEvent(tx, ctx, {
      tenantId: e.check.tenant_id,
      type: e.type,
      subject: { type: "health_check", id: e.check.id },
      projectId: e.check.project_id,
      payload: e.payload,
      heldBack,
    });
  }
}
