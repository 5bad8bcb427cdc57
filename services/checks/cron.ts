/**
 * Cron expressions for heartbeat deadlines: the 5 classic fields (minute hour
 * day-of-month month day-of-week) with lists, ranges, steps and names, the
 * `@hourly`-style aliases, evaluated in an IANA timezone with Temporal.
 *
 * Across DST changes: a local time that does not exist (the spring-forward
 * gap) runs at the first instant after the gap; a local time that happens
 * twice (fall back) runs once, at its first occurrence. As in Vixie cron, when
 * both day-of-month and day-of-week are restricted, a day matching either runs.
 */

export interface CronSchedule {
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  /** 0 = Sunday … 6 = Saturday (7 is accepted as Sunday). */
  daysOfWeek: Set<number>;
  domRestricted: boolean;
  dowRestricted: boolean;
}

/** The `@` shorthands and the five fields each stands for. */
export const CRON_ALIASES: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

interface FieldSpec {
  label: string;
  min: number;
  max: number;
  names?: string[];
  /** Offset of names[0]: months are 1-based. */
  nameBase?: number;
}

const FIELDS: FieldSpec[] = [
  { label: "minute", min: 0, max: 59 },
  { label: "hour", min: 0, max: 23 },
  { label: "day of month", min: 1, max: 31 },
  { label: "month", min: 1, max: 12, names: MONTH_NAMES, nameBase: 1 },
  { label: "day of week", min: 0, max: 7, names: DAY_NAMES, nameBase: 0 },
];

/** Parses a cron expression; throws an Error whose message can be shown to the user as is. */
export function parseCron(expr: string): CronSchedule {
  const trimmed = expr.trim().toLowerCase();
  if (trimmed.startsWith("@")) {
    const expanded = CRON_ALIASES[trimmed];
    if (!expanded) throw new Error(`unknown cron alias "${expr.trim()}" (use ${Object.keys(CRON_ALIASES).join(", ")})`);
    return parseCron(expanded);
  }
  const parts = trimmed.split(/\s+/);
  if (parts.length !== 5) {
    throw new Error(`a cron expression has 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  }
  const sets = parts.map((part, i) => parseField(part, FIELDS[i]));
  const dow = new Set([...sets[4]].map((d) => d % 7));
  return {
    minutes: sets[0],
    hours: sets[1],
    daysOfMonth: sets[2],
    months: sets[3],
    daysOfWeek: dow,
    domRestricted: parts[2] !== "*" && parts[2] !== "?",
    dowRestricted: parts[4] !== "*" && parts[4] !== "?",
  };
}

function parseField(text: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(",")) {
    const [range, stepText, extra] = item.split("/");
    if (extra !== undefined) throw new Error(`${spec.label}: "${item}" has more than one "/"`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || stepText === "") {
      throw new Error(`${spec.label}: step "${stepText}" must be a positive whole number`);
    }
    let from: number;
    let to: number;
    if (range === "*" || range === "?") {
      [from, to] = [spec.min, spec.max === 7 ? 6 : spec.max];
    } else if (range.includes("-")) {
      const [a, b, more] = range.split("-");
      if (more !== undefined) throw new Error(`${spec.label}: "${range}" is not a range`);
      from = value(a, spec);
      to = value(b, spec);
      if (from > to) throw new Error(`${spec.label}: range "${range}" goes backwards`);
    } else {
      from = value(range, spec);
      // "5/15" means from 5 to the end in steps of 15
      to = stepText === undefined ? from : spec.max;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

function value(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text) ?? -1;
  if (named >= 0) return named + (spec.nameBase ?? 0);
  if (!/^\d+$/.test(text)) throw new Error(`${spec.label}: "${text}" is not a number`);
  const n = Number(text);
  if (n < spec.min || n > spec.max) throw new Error(`${spec.label}: ${n} is outside ${spec.min}-${spec.max}`);
  return n;
}

/** Whether `timezone` is an IANA name Temporal knows (for validation). */
export function isValidTimezone(timezone: string): boolean {
  try {
    Temporal.Now.zonedDateTimeISO(timezone);
    return true;
  } catch {
    return false;
  }
}

/** The first instant strictly after `after` at which the schedule fires in `timezone`. */
export function nextRun(schedule: CronSchedule, timezone: string, after: Date): Date {
  const afterMs = after.getTime();
  let local = Temporal.Instant.fromEpochMilliseconds(afterMs).toZonedDateTimeISO(timezone).toPlainDateTime()
    .round({ smallestUnit: "minute", roundingMode: "floor" }).add({ minutes: 1 });
  // Eight years covers every valid schedule (Feb 29 on a given weekday can take that long).
  const limit = local.add({ years: 8 });
  while (Temporal.PlainDateTime.compare(local, limit) < 0) {
    if (!schedule.months.has(local.month)) {
      local = local.with({ day: 1, hour: 0, minute: 0 }).add({ months: 1 });
      continue;
    }
    if (!dayMatches(schedule, local)) {
      local = local.with({ hour: 0, minute: 0 }).add({ days: 1 });
      continue;
    }
    if (!schedule.hours.has(local.hour)) {
      local = local.with({ minute: 0 }).add({ hours: 1 });
      continue;
    }
    if (!schedule.minutes.has(local.minute)) {
      local = local.add({ minutes: 1 });
      continue;
    }
    const instant = toInstant(local, timezone);
    if (instant > afterMs) return new Date(instant);
    // a repeated local hour (fall back) or a gap already served: look further
    local = local.add({ minutes: 1 });
  }
  throw new Error("the cron expression never fires");
}

function dayMatches(s: CronSchedule, d: Temporal.PlainDateTime): boolean {
  const dom = s.daysOfMonth.has(d.day);
  const dow = s.daysOfWeek.has(d.dayOfWeek % 7);
  if (s.domRestricted && s.dowRestricted) return dom || dow;
  return dom && dow;
}

/**
 * Epoch ms of a local time: the earlier one when it happens twice, and the end
 * of the gap (the first instant that exists after it) when it does not exist.
 */
function toInstant(local: Temporal.PlainDateTime, timezone: string): number {
  const earlier = local.toZonedDateTime(timezone, { disambiguation: "earlier" });
  if (earlier.toPlainDateTime().equals(local)) return earlier.epochMilliseconds;
  const transition = earlier.getTimeZoneTransition("next");
  return (transition ?? earlier).epochMilliseconds;
}
