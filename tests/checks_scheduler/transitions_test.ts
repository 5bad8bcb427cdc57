import { assert, assertEquals } from "@std/assert";
import {
  applyOutcome,
  certificateUpdate,
  type CheckState,
  nextRunAt,
  phaseOf,
  type ProbeStatus,
} from "../../services/checks/transitions.ts";

const fresh: CheckState = { status: "unknown", consecutiveFailures: 0, recentOutcomes: "", flapping: false };

function run(outcomes: ProbeStatus[], confirmations = 1, start = fresh) {
  let state = start;
  const transitions: string[] = [];
  for (const o of outcomes) {
    const r = applyOutcome(state, o, confirmations);
    state = r.state;
    if (r.transition) {
      transitions.push(`${r.transition.from}->${r.transition.to}${r.transition.notify ? "" : " (silent)"}`);
    }
  }
  return { state, transitions };
}

Deno.test("confirmations: down only after N consecutive failures; a success in between starts over", () => {
  const r = run(["up", "down", "down", "up", "down", "down", "down", "down"], 3);
  assertEquals(r.transitions, ["unknown->up (silent)", "up->down"]);
  assertEquals(r.state.status, "down");
  assertEquals(r.state.consecutiveFailures, 4);
});

Deno.test("a new check's first up is silent, its first down is an event", () => {
  assertEquals(run(["up"]).transitions, ["unknown->up (silent)"]);
  assertEquals(run(["down"]).transitions, ["unknown->down"]);
  assertEquals(run(["down", "down"], 3).state.status, "unknown");
});

Deno.test("degraded comes from the probe without confirmations, and recovers to up", () => {
  const r = run(["up", "degraded", "degraded", "up"], 3);
  assertEquals(r.transitions, ["unknown->up (silent)", "up->degraded", "degraded->up"]);
});

Deno.test("flapping: alternating outcomes stop producing transitions, and settling gives one", () => {
  const alternating: ProbeStatus[] = [];
  for (let i = 0; i < 20; i++) alternating.push(i % 2 ? "down" : "up");
  const r = run(alternating);
  assert(r.state.flapping);
  // the 7th outcome makes 6 changes in the window (30 %): from then on the status is held
  assertEquals(r.transitions.length, 6);
  const held = r.state.status;
  // settling: enough steady outcomes for the change rate to fall below 15 %
  const settled = run(Array(18).fill("down"), 1, r.state);
  assertEquals(settled.state.flapping, false);
  assertEquals(settled.state.status, "down");
  assertEquals(settled.transitions, held === "down" ? [] : ["up->down"]);
});

Deno.test("the outcome history keeps the last 21 runs", () => {
  const r = run(Array(30).fill("up"));
  assertEquals(r.state.recentOutcomes, "u".repeat(21));
});

Deno.test("certificate: expiring is announced once per certificate; a replaced one is noted", () => {
  const now = new Date("2026-06-01T00:00:00Z");
  const soon = { notAfter: new Date("2026-06-06T12:00:00Z"), fingerprint256: "a".repeat(64), subject: "CN=shop" };
  const first = certificateUpdate({ fingerprint: null, notifiedFingerprint: null, expiryDays: 14 }, soon, now);
  assertEquals(first.expiring, { daysLeft: 5 });
  assertEquals(first.replaced, null);
  const again = certificateUpdate(
    { fingerprint: first.fingerprint, notifiedFingerprint: first.notifiedFingerprint, expiryDays: 14 },
    soon,
    now,
  );
  assertEquals(again.expiring, null);
  const renewed = { notAfter: new Date("2026-09-01T00:00:00Z"), fingerprint256: "b".repeat(64), subject: "CN=shop" };
  const r = certificateUpdate(
    { fingerprint: "a".repeat(64), notifiedFingerprint: "a".repeat(64), expiryDays: 14 },
    renewed,
    now,
  );
  assertEquals(r.replaced, "a".repeat(64));
  assertEquals(r.expiring, null);
  assertEquals(r.notifiedFingerprint, "a".repeat(64));
  const far = certificateUpdate({ fingerprint: null, notifiedFingerprint: null, expiryDays: 3 }, soon, now);
  assertEquals(far.expiring, null);
});

Deno.test("next run: phase-aligned, counted from the scheduled time (no drift), missed runs skipped", () => {
  const id = "6f1b2c3d-0000-4000-8000-000000000001";
  const phase = phaseOf(id, 60_000);
  const t0 = Date.UTC(2026, 5, 1, 12, 0, 0, 0);
  // a new check (created at an arbitrary time) joins its phase within one interval
  const first = nextRunAt(id, 60, t0 + 123, t0 + 200).getTime();
  assertEquals(((first - phase) % 60_000 + 60_000) % 60_000, 0);
  assert(first >= t0 + 123 + 30_000 && first < t0 + 123 + 90_000);
  // then exactly one interval per run, however late each run finished
  let scheduled = first;
  for (const lateness of [5, 900, 12_000, 40_000, 1]) {
    const next = nextRunAt(id, 60, scheduled, scheduled + lateness).getTime();
    assertEquals(next - scheduled, 60_000);
    scheduled = next;
  }
  // after downtime: the next slot after now, not a burst of catch-up runs
  const after = nextRunAt(id, 60, scheduled, scheduled + 3_600_500).getTime();
  assert(after > scheduled + 3_600_500 && after <= scheduled + 3_660_500);
  assertEquals(((after - phase) % 60_000 + 60_000) % 60_000, 0);
});

Deno.test("jitter: 10,000 checks with one interval spread evenly over it", () => {
  const buckets = Array(10).fill(0);
  for (let i = 0; i < 10_000; i++) buckets[Math.floor(phaseOf(crypto.randomUUID(), 60_000) / 6_000)]++;
  for (const n of buckets) assert(n > 850 && n < 1150, `bucket of ${n}`);
});
