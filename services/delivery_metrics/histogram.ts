/**
 * Lead time percentiles from the log-bucket histogram kept in
 * deployment_daily.lead_histogram (db/migrations/00011_delivery_rollup.sql,
 * opsdeck_lead_bucket): bucket 1 holds durations under a minute, bucket k ≥ 2
 * holds [60 s × 2^((k−2)/4), 60 s × 2^((k−1)/4)), each ~19 % wide; the last
 * one is open-ended. The estimate spreads each bucket's samples evenly (on a
 * log scale) inside it, then interpolates between neighbouring samples as
 * percentile_cont does; it is off by at most one bucket's width, typically a
 * few per cent.
 */

/** Must match opsdeck_lead_bucket() in the migration. */
export const LEAD_BUCKETS = 80;
const BUCKETS_PER_DOUBLING = 4;
const BUCKET_BASE_SECONDS = 60;

function bounds(bucket: number): [number, number] {
  if (bucket === 1) return [0, BUCKET_BASE_SECONDS];
  const low = BUCKET_BASE_SECONDS * 2 ** ((bucket - 2) / BUCKETS_PER_DOUBLING);
  return [low, low * 2 ** (1 / BUCKETS_PER_DOUBLING)];
}

/** The estimated value of the `index`-th smallest sample (0-based). */
function sampleAt(histogram: number[], index: number): number {
  let before = 0;
  for (let i = 0; i < histogram.length; i++) {
    const count = histogram[i];
    if (index < before + count) {
      const [low, high] = bounds(i + 1);
      const f = (index - before + 0.5) / count;
      return low === 0 ? high * f : low * (high / low) ** f;
    }
    before += count;
  }
  throw new RangeError(`sample ${index} is beyond the histogram's ${before} samples`);
}

/** The `p` (0–1) percentile, interpolated like percentile_cont; null without samples. */
export function histogramPercentile(histogram: number[], p: number): number | null {
  const n = histogram.reduce((a, b) => a + b, 0);
  if (n === 0) return null;
  const rank = p * (n - 1);
  const below = Math.floor(rank);
  const low = sampleAt(histogram, below);
  return rank === below ? low : low + (rank - below) * (sampleAt(histogram, below + 1) - low);
}
