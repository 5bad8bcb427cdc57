/**
 * The /maintenance form: people type wall-clock times in a timezone, the API
 * takes RFC 3339 instants. This turns the form's strings into the API's
 * create body (so the same zod schema and service validate it) and builds the
 * page's lists: running now, the next occurrences, recently over.
 */
import type { Sql } from "../../db/client.ts";
import { projectChoices } from "../../db/queries/deployments.ts";
import { withTenant } from "../../db/tenant.ts";
import { can, type Principal } from "../auth/permissions.ts";
import { windowJson } from "./build.ts";
import { localToInstant, nextOccurrences, parseRRule, RRuleError } from "./rrule.ts";
import type { WindowJson } from "./schemas.ts";
import { validTimezone } from "./build.ts";
import { listWindows } from "./windows.ts";

export type WindowForm = Record<string, string>;

const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** A datetime-local value in `zone` as RFC 3339; anything else is passed on for the schema to refuse. */
function instant(local: string | undefined, zone: string): string | undefined {
  if (!local) return undefined;
  if (!LOCAL.test(local) || !validTimezone(zone)) return local;
  try {
    return new Date(localToInstant(Temporal.PlainDateTime.from(local), zone).epochMilliseconds).toISOString();
  } catch {
    return local;
  }
}

export function formToInput(form: WindowForm): Record<string, unknown> {
  const timezone = form.timezone || "UTC";
  const number = (v: string | undefined) => (v ? (/^\d+$/.test(v) ? Number(v) : v) : undefined);
  const common = {
    title: form.title ?? "",
    description: form.description || undefined,
    project_id: form.project_id || undefined,
    timezone,
    duration_minutes: number(form.duration_minutes),
  };
  if (form.kind === "recurring") return { ...common, rrule: form.rrule ?? "", dtstart: form.dtstart || undefined };
  return { ...common, starts_at: instant(form.starts_at, timezone), ends_at: instant(form.ends_at, timezone) };
}

export interface Preview {
  occurrences: { start: string; end: string }[];
  error: string | null;
}

/** The next 5 occurrences of a recurrence being typed, as local times in its zone. */
export function preview(form: WindowForm, now: Date): Preview {
  const zone = form.timezone || "UTC";
  if (!validTimezone(zone)) return { occurrences: [], error: "timezone: not an IANA timezone" };
  if (!form.rrule || !form.dtstart || !LOCAL.test(form.dtstart)) {
    return { occurrences: [], error: "Give a rule and a first start to see the next occurrences" };
  }
  try {
    const rec = {
      rule: parseRRule(form.rrule),
      dtstart: Temporal.PlainDateTime.from(form.dtstart),
      timezone: zone,
      durationMinutes: Number(form.duration_minutes) || 60,
    };
    const local = (d: Date) =>
      Temporal.Instant.fromEpochMilliseconds(d.getTime()).toZonedDateTimeISO(zone).toPlainDateTime()
        .toString({ smallestUnit: "minute" }).replace("T", " ");
    const occurrences = nextOccurrences(rec, now, 5).map((o) => ({ start: local(o.start), end: local(o.end) }));
    return { occurrences, error: occurrences.length ? null : "No occurrences after now" };
  } catch (error) {
    if (error instanceof RRuleError) return { occurrences: [], error: `rrule: ${error.message}` };
    if (error instanceof RangeError) return { occurrences: [], error: "dtstart: not a valid date and time" };
    throw error;
  }
}

export interface MaintenanceView {
  active: WindowJson[];
  upcoming: { window: WindowJson; start: string; end: string }[];
  past: WindowJson[];
  projects: { id: string; name: string }[];
  canWrite: boolean;
}

export async function maintenanceView(sql: Sql, principal: Principal, now: Date): Promise<MaintenanceView> {
  const [current, past, projects] = await Promise.all([
    listWindows(sql, principal, { state: "current", limit: 200 }, now),
    listWindows(sql, principal, { state: "past", limit: 20 }, now),
    withTenant(sql, principal.tenantId, (tx) => projectChoices(tx, principal.tenantId, principal.clientId)),
  ]);
  const windows = current.data.map((w) => windowJson(w, now));
  const upcoming = windows
    .flatMap((w) =>
      w.next_occurrences.filter((o) => Date.parse(o.starts_at) > now.getTime()).slice(0, 3)
        .map((o) => ({ window: w, start: o.starts_at, end: o.ends_at }))
    )
    .sort((a, b) => a.start.localeCompare(b.start))
    .slice(0, 20);
  return {
    active: windows.filter((w) => w.active),
    upcoming,
    past: past.data.map((w) => windowJson(w, now)),
    projects,
    canWrite: can(principal, "health_checks", "write"),
  };
}
