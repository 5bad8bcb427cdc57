/**
 * The fixed latency histogram of the roll-ups (db/migrations/00014: the
 * function opsdeck_latency_bucket holds the same bounds). Buckets are ~25 %
 * wide from 5 ms to 60 s, so a p95 read from them is within one bucket of the
 * exact value, which a chart and an alert threshold can live with.
 */

/** Exclusive upper bounds (ms) of buckets 1..32; bucket 33 is everything from 60 s. */
export const LATENCY_BOUNDS_MS = [
  5,
  10,
  15,
  20,
  30,
  40,
  50,
  75,
  100,
  125,
  150,
  200,
  250,
  300,
  400,
  500,
  600,
  800,
  1000,
  1250,
  1500,
  2000,
  2500,
  3000,
  4000,
  5000,
  7500,
  10000,
  15000,
  20000,
  30000,
  60000,
] as const;

/**
 * The p-quantile (0 < p ≤ 1) of the latencies counted in `histogram`:
 * nearest rank, interpolated linearly inside its bucket and clamped to the
 * group's exact min and max (which also bound the open last bucket).
 */
export function percentileFromHistogram(histogram: number[], p: number, min: number, max: number): number {
  const n = histogram.reduce((a, b) => a + b, 0);
  if (n === 0) return NaN;
  const rank = Math.max(1, Math.ceil(p * n));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    if (seen + histogram[i] >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
      const upper = i < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[i] : max;
      const estimate = lower + (upper - lower) * ((rank - seen) / histogram[i]);
      return Math.min(max, Math.max(min, estimate));
    }
    seen += histogram[i];
  }
  return max;
}
