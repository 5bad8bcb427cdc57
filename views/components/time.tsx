/**
 * One way to show an instant: `<Time at={…} />`. The server writes it in the
 * reader's profile zone (UTC when they chose "browser time"); static/js/time.js
 * rewrites every <time datetime> in the profile's or the browser's zone, in
 * this same format, and keeps relative ones current.
 */
import { useContext } from "preact/hooks";
import { PageContext } from "../page_context.ts";

/** "2026-03-01 18:30 GMT+9": the app's one date format. */
export function formatInstant(date: Date, timeZone: string | null | undefined): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: timeZone ?? "UTC",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    }).formatToParts(date).map((part) => [part.type, part.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

/** "18:30:05 GMT+9": the time of day with seconds, for what a live part last read. */
export function formatClock(date: Date, timeZone: string | null | undefined): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: timeZone ?? "UTC",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    }).formatToParts(date).map((part) => [part.type, part.value]),
  );
  return `${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
}

/** An instant as a <time> in `timeZone` (the caller's profile zone; null: UTC until the script rewrites it). */
export function timeIn(date: Date | null | undefined, timeZone: string | null) {
  if (!date) return "—";
  const text = formatInstant(date, timeZone);
  return <time datetime={date.toISOString()} title={text}>{text}</time>;
}

/** An instant; `relative` shows "5 min ago", `clock` "18:30:05 GMT+9", each with the absolute time on hover. */
export function Time({ at, relative, clock, fallback = "—" }: {
  at: Date | string | null | undefined;
  relative?: boolean;
  clock?: boolean;
  fallback?: string;
}) {
  const { principal } = useContext(PageContext);
  if (!at) return <span class="muted">{fallback}</span>;
  const date = typeof at === "string" ? new Date(at) : at;
  const text = formatInstant(date, principal?.timeZone);
  const format = relative ? "relative" : clock ? "clock" : undefined;
  return (
    <time datetime={date.toISOString()} title={text} data-format={format}>
      {clock ? formatClock(date, principal?.timeZone) : text}
    </time>
  );
}
