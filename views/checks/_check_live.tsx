/**
 * The live part of a check's page: its state, actions, warnings, uptime
 * figures and beat bar. It asks for itself again every few seconds (htmx
 * polling of GET /checks/{id}/live, outerHTML swap of this element only), so
 * the chart, the settings and the history table below stay as they are.
 */
import { useContext } from "preact/hooks";
import type { HealthCheckRow } from "../../db/queries/health_checks.ts";
import type { ResultItem } from "../../services/checks/history.ts";
import type { Uptime } from "../../services/checks/schemas.ts";
import { changeCount } from "../../services/checks/transitions.ts";
import { BEATS } from "../../services/checks/view_model.ts";
import type { NotifyGap } from "../../services/notifications/coverage.ts";
import { CsrfField } from "../components/form_field.tsx";
import { PageContext } from "../page_context.ts";
import { NotifyGapNotice } from "./_notify_gaps.tsx";
import { BeatBar, beatsOfResults } from "./beat_bar.tsx";
import { StatusDot } from "./board.tsx";
import { ago, formatLatency, formatPercent, shownStatus, STATUS_LABEL, targetOf } from "./format.ts";
import { liveAttrs } from "../components/live.ts";

/** How often the check page re-reads its live part. */
export const CHECK_POLL_SECONDS = 10;

export interface CheckLiveProps {
  check: HealthCheckRow;
  uptime: Uptime;
  /** The last BEATS results, oldest first. */
  beats: ResultItem[];
  gap?: NotifyGap;
  /** A refusal of one of the page's actions (not repeated by the poll). */
  error?: string;
  canWrite: boolean;
  canDelete: boolean;
  now: Date;
}

function ActionButton({ action, label, confirm, kind = "secondary" }: {
  action: string;
  label: string;
  confirm?: string;
  kind?: string;
}) {
  const { csrfToken } = useContext(PageContext);
  return (
    <form method="post" action={action} class="inline-form" hx-boost="true" hx-confirm={confirm}>
      <CsrfField token={csrfToken} />
      <button type="submit" class={`${kind} small`}>{label}</button>
    </form>
  );
}

export function CheckLive({ check: c, uptime, beats, gap, error, canWrite, canDelete, now }: CheckLiveProps) {
  const status = shownStatus(c);
  const base = `/checks/${c.id}`;
  return (
    <div
      id="check-live"
      hx-get={`${base}/live`}
      {...liveAttrs(["checks"], CHECK_POLL_SECONDS)}
      hx-swap="outerHTML"
      data-status={status}
    >
      <div class="page-head">
        <hgroup>
          <h1 class="check-title">
            <StatusDot status={status} /> {c.name}
          </h1>
          <p>
            <span class={`check-state check-state-${status}`} data-status={status}>{STATUS_LABEL[status]}</span>
            {c.status_changed_at && (
              <span class="muted">
                {` since `}
                <time datetime={c.status_changed_at.toISOString()} data-format="relative">
                  {ago(c.status_changed_at, now)}
                </time>
              </span>
            )}
            {" · "}
            <code class="check-target-code">{c.type.toUpperCase()} {targetOf(c)}</code>
          </p>
        </hgroup>
        {canWrite && (
          <div class="check-actions">
            {c.type !== "heartbeat" && !c.paused && <ActionButton action={`${base}/run`} label="Run now" kind="" />}
            {c.paused
              ? <ActionButton action={`${base}/resume`} label="Resume" kind="" />
              : <ActionButton action={`${base}/pause`} label="Pause" />}
            {c.type === "heartbeat" && (
              <ActionButton
                action={`${base}/rotate-token`}
                label="New ping URL"
                confirm="The current ping URL stops working at once. Continue?"
              />
            )}
            <a href={`${base}/edit`} role="button" class="secondary outline small">Edit</a>
            {canDelete && (
              <ActionButton
                action={`${base}/delete`}
                label="Delete"
                kind="contrast outline"
                confirm={`Delete “${c.name}” and all its results?`}
              />
            )}
          </div>
        )}
      </div>
      {error && <p class="notice notice-error" role="alert">{error}</p>}
      {gap && <NotifyGapNotice gap={gap} checkId={c.id} />}
      {status === "flapping" && (
        <p class="notice notice-warning check-flapping" role="status">
          Flapping: {changeCount(c.recent_outcomes)} changes between results in the last {c.recent_outcomes.length}.
          {" "}
          Down and up alerts are held until it settles; until then its status stays{" "}
          {STATUS_LABEL[c.status]}, as it was, and the history below shows every result.
        </p>
      )}
      {c.last_detail && c.status !== "up" && <p class="notice notice-error check-detail">{c.last_detail}</p>}

      <div class="stats">
        {(["h24", "d7", "d30", "d90"] as const).map((k) => (
          <div class="stat" key={k}>
            <span class="stat-value">{formatPercent(uptime[k])}</span>
            <span class="stat-label">Uptime {{ h24: "24 h", d7: "7 days", d30: "30 days", d90: "90 days" }[k]}</span>
          </div>
        ))}
        <div class="stat">
          <span class="stat-value">{formatLatency(c.last_latency_ms)}</span>
          <span class="stat-label">Last latency</span>
        </div>
        <div class="stat">
          <span class="stat-value">{ago(c.last_checked_at, now)}</span>
          <span class="stat-label">Last checked</span>
        </div>
      </div>

      <section class="beats-section">
        <h2>Last {BEATS} results</h2>
        <BeatBar beats={beatsOfResults(beats)} slots={BEATS} label={`Last ${BEATS} results`} />
      </section>
    </div>
  );
}
