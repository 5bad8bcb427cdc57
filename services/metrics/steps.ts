/**
 * Bucket sizes for metric queries. Without `step` the range picks the
 * smallest "round" step that gives at most MAX_DEFAULT_BUCKETS buckets
 * (24 h → 5 min = 288, 7 d → 1 h = 168, 90 d → 12 h = 180), which is what a
 * chart a few hundred pixels wide can show.
 */
export const STEP_PATTERN = /^(\d{1,6})(s|m|h|d)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const NICE_STEPS = [10, 30, 60, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 604_800];
export const MAX_DEFAULT_BUCKETS = 300;
/** An explicit step may ask for more, up to this many buckets. */
export const MAX_BUCKETS = 5000;
export const MAX_RANGE_DAYS = 90;

/** "5m" → 300; undefined when it is not a step. */
export function parseStep(step: string): number | undefined {
  const match = STEP_PATTERN.exec(step);
  if (!match) return undefined;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
  return seconds >= 1 ? seconds : undefined;
}

export function defaultStep(rangeSeconds: number): number {
  return NICE_STEPS.find((s) => rangeSeconds / s <= MAX_DEFAULT_BUCKETS) ?? NICE_STEPS[NICE_STEPS.length - 1];
}

/** 300 → "5m": the largest unit that divides it. */
export function formatStep(seconds: number): string {
  for (const unit of ["d", "h", "m"] as const) {
    if (seconds % UNIT_SECONDS[unit] === 0) return `${seconds / UNIT_SECONDS[unit]}${unit}`;
  }
  return `${seconds}s`;
}
