/**
 * The beat bar (Uptime Kuma's heartbeat bar): one bar per result, oldest on
 * the left, coloured by outcome; empty slots on the left while a check has
 * fewer results than the bar holds.
 */
import type { ResultItem } from "../../services/checks/history.ts";
import { useContext } from "preact/hooks";
import { formatInstant } from "../components/time.tsx";
import { PageContext } from "../page_context.ts";
import { formatLatency } from "./format.ts";

type Outcome = "up" | "down" | "degraded";
interface Beat {
  status: Outcome;
  /** Absent for the board's beats (the scheduler keeps outcomes without their times). */
  at?: Date;
  latency?: number | null;
  detail?: string | null;
}

const WORD: Record<Outcome, string> = { up: "up", down: "down", degraded: "slow" };
const LETTER: Record<string, Outcome> = { u: "up", d: "down", g: "degraded" };

/** The board's beats: health_checks.recent_outcomes, one letter per result. */
export function beatsOfOutcomes(outcomes: string): Beat[] {
  return [...outcomes].flatMap((l) => LETTER[l] ? [{ status: LETTER[l] }] : []);
}

export function beatsOfResults(results: ResultItem[]): Beat[] {
  return results.map((r) => ({ status: r.status, at: r.checked_at, latency: r.latency_ms, detail: r.detail }));
}

export function BeatBar({ beats, slots, label }: { beats: Beat[]; slots: number; label: string }) {
  const { principal } = useContext(PageContext);
  const shown = beats.slice(-slots);
  const down = shown.filter((b) => b.status === "down").length;
  const slow = shown.filter((b) => b.status === "degraded").length;
  const summary = shown.length === 0
    ? `${label}: no results yet`
    : `${label}: ${shown.length} results, ${down} down, ${slow} slow`;
  return (
    <span class="beat-bar" role="img" aria-label={summary}>
      {Array.from({ length: slots - shown.length }, (_, i) => <span key={`e${i}`} class="beat beat-none" />)}
      {shown.map((b, i) => (
        <span
          key={i}
          class={`beat beat-${b.status}`}
          title={b.at
            ? `${formatInstant(b.at, principal?.timeZone)}: ${WORD[b.status]}, ${formatLatency(b.latency)}${
              b.detail ? ` (${b.detail.slice(0, 80)})` : ""
            }`
            : WORD[b.status]}
        />
      ))}
    </span>
  );
}
