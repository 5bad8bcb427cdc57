/** How the checks pages say things: status names, targets, latencies, percentages, ages. */
import type { CheckStatus, HealthCheckRow } from "../../db/queries/health_checks.ts";

export type ShownStatus = CheckStatus | "paused" | "flapping";

export const STATUS_LABEL: Record<ShownStatus, string> = {
  unknown: "Pending",
  up: "Up",
  down: "Down",
  degraded: "Degraded",
  paused: "Paused",
  flapping: "Flapping",
};

/**
 * The status a person sees: a paused check is paused whatever it was before;
 * a flapping one is flapping, never the "Up" the scheduler holds while it flaps.
 */
export function shownStatus(c: Pick<HealthCheckRow, "status" | "paused" | "flapping">): ShownStatus {
  if (c.paused) return "paused";
  return c.flapping ? "flapping" : c.status;
}

/** What the check watches, in one line. */
export function targetOf(
  c: Pick<HealthCheckRow, "type" | "url" | "host" | "port" | "method" | "cron" | "interval_seconds" | "timezone">,
): string {
  if (c.type === "http") return c.method === "GET" ? c.url ?? "" : `${c.method} ${c.url}`;
  if (c.type === "tcp") return `${c.host}:${c.port}`;
  return c.cron ? `cron ${c.cron} (${c.timezone})` : `every ${formatSeconds(c.interval_seconds)}`;
}

export function formatSeconds(s: number): string {
  if (s % 86400 === 0) return `${s / 86400} d`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** Uptime with as many decimals as it takes to tell 99.9 from 100: 100 %, 99.95 %, 87.3 %. */
export function formatPercent(p: number | null | undefined): string {
  if (p === null || p === undefined) return "—";
  if (p === 100) return "100 %";
  return `${p >= 99 ? (Math.floor(p * 100) / 100).toFixed(2) : p.toFixed(1)} %`;
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago" (the exact time is in the element's title). */
export function ago(date: Date | null, now: Date): string {
  if (!date) return "never";
  const s = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}
