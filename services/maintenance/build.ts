/**
 * Turning a create/update body into a stored window: one-off (starts_at +
 * ends_at or duration) or recurring (rrule + local dtstart + timezone +
 * duration, with starts_at/ends_at derived as the series' span). Every
 * refusal names its field; a bad RRULE names the part too ("rrule: BYDAY …").
 */
import type { MaintenanceWindowRow, RecurringWindowInsert } from "../../db/queries/maintenance_windows.ts";
import { type FieldError, ValidationError } from "../platform/errors.ts";
import { recurrenceOf } from "./coverage.ts";
import { nextOccurrences, parseRRule, type Recurrence, RRuleError, seriesEnd } from "./rrule.ts";
import type { CreateWindowInput, WindowJson } from "./schemas.ts";

export function validTimezone(zone: string): boolean {
  try {
    Temporal.Now.zonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
}

/** The stored fields for `input`; `projectId` is already checked to be visible. */
export function buildWindow(
  input: CreateWindowInput,
  ctx: { tenantId: string; now: Date },
): RecurringWindowInsert {
  const errors: FieldError[] = [];
  const timezone = input.timezone ?? "UTC";
  if (!validTimezone(timezone)) {
    errors.push({ path: "timezone", message: "is not an IANA timezone such as Europe/Berlin" });
  }
  const base = {
    tenantId: ctx.tenantId,
    projectId: input.project_id ?? null,
    environment: input.environment ?? null,
    title: input.title,
    description: input.description || null,
    timezone,
  };
  if (!input.rrule) {
    if (input.dtstart) errors.push({ path: "dtstart", message: "only for recurring windows (with rrule)" });
    const startsAt = input.starts_at ? new Date(input.starts_at) : ctx.now;
    let endsAt: Date | undefined;
    if (input.ends_at && input.duration_minutes) {
      errors.push({ path: "duration_minutes", message: "give ends_at or duration_minutes, not both" });
    } else if (input.ends_at) {
      endsAt = new Date(input.ends_at);
      if (endsAt <= startsAt) errors.push({ path: "ends_at", message: "must be after starts_at" });
    } else if (input.duration_minutes) {
      endsAt = new Date(startsAt.getTime() + input.duration_minutes * 60_000);
    } else {
      errors.push({ path: "ends_at", message: "is required (or duration_minutes) for a one-off window" });
    }
    if (errors.length) throw new ValidationError(errors);
    return { ...base, startsAt, endsAt: endsAt!, rrule: null, dtstartLocal: null, durationMinutes: null };
  }
  let rec: Recurrence | undefined;
  try {
    const rule = parseRRule(input.rrule);
    if (input.ends_at) {
      errors.push({ path: "ends_at", message: "not for recurring windows: use COUNT or UNTIL in rrule" });
    }
    if (!input.duration_minutes) {
      errors.push({ path: "duration_minutes", message: "is required for a recurring window" });
    }
    if (errors.length) throw new ValidationError(errors);
    const dtstart = input.dtstart
      ? Temporal.PlainDateTime.from(input.dtstart)
      : Temporal.Instant.fromEpochMilliseconds((input.starts_at ? new Date(input.starts_at) : ctx.now).getTime())
        .toZonedDateTimeISO(timezone).toPlainDateTime().round({ smallestUnit: "minute", roundingMode: "floor" });
    rec = { rule, dtstart, timezone, durationMinutes: input.duration_minutes! };
  } catch (error) {
    if (error instanceof RRuleError) errors.push({ path: "rrule", message: error.message });
    else if (error instanceof RangeError) errors.push({ path: "dtstart", message: "is not a valid date and time" });
    else throw error;
  }
  if (errors.length || !rec) throw new ValidationError(errors);
  const [first] = nextOccurrences(rec, new Date(0), 1);
  if (!first) throw new ValidationError([{ path: "rrule", message: "produces no occurrence after dtstart" }]);
  return {
    ...base,
    startsAt: first.start,
    endsAt: seriesEnd(rec),
    rrule: input.rrule.toUpperCase().replace(/^RRULE:/, ""),
    dtstartLocal: rec.dtstart.toString({ smallestUnit: "second" }),
    durationMinutes: rec.durationMinutes,
  };
}

/** The create-shaped body a stored window stands for, so a PATCH can merge into it and re-validate. */
export function inputOf(w: MaintenanceWindowRow): CreateWindowInput {
  const common = {
    title: w.title,
    description: w.description,
    project_id: w.project_id,
    environment: w.environment,
    timezone: w.timezone,
  };
  if (!w.rrule) {
    return { ...common, starts_at: w.starts_at.toISOString(), ends_at: w.ends_at?.toISOString() };
  }
  return { ...common, rrule: w.rrule, dtstart: w.dtstart_local ?? undefined, duration_minutes: w.duration_minutes! };
}

export function windowJson(w: MaintenanceWindowRow, now: Date): WindowJson {
  const next = upcoming(w, now, 5);
  return {
    id: w.id,
    title: w.title,
    description: w.description,
    project_id: w.project_id,
    environment: w.environment,
    kind: w.rrule ? "recurring" : "one_off",
    starts_at: w.starts_at.toISOString(),
    ends_at: w.ends_at?.toISOString() ?? null,
    rrule: w.rrule,
    dtstart: w.dtstart_local,
    timezone: w.timezone,
    duration_minutes: w.duration_minutes,
    active: next.length > 0 && next[0].start <= now,
    next_occurrences: next.map((o) => ({ starts_at: o.start.toISOString(), ends_at: o.end.toISOString() })),
    created_at: w.created_at.toISOString(),
    updated_at: w.updated_at.toISOString(),
  };
}

/** Stretches of a window not over at `now` (the running one first), each cut at the window's end. */
export function upcoming(w: MaintenanceWindowRow, now: Date, n: number): { start: Date; end: Date }[] {
  const end = w.ends_at ?? new Date(8.64e15);
  if (end <= now) return [];
  const rec = recurrenceOf(w);
  if (!rec) return [{ start: w.starts_at, end }];
  return nextOccurrences(rec, now, n)
    .filter((o) => o.start < end)
    .map((o) => ({ start: o.start, end: o.end > end ? end : o.end }));
}
