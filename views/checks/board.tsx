/**
 * The status board's live part: every visible check grouped by client and
 * project, with a status dot, hourly uptime bars for the last day, the
 * latest latency and the 24-hour uptime. It asks for itself again every few
 * seconds (htmx polling, outerHTML swap of this element only), so filters in
 * the URL and the page's scroll position stay as they are.
 */
import { BAR_SECONDS, BOARD_PAGE_SIZE, type BoardData, type BoardRow } from "../../services/checks/board.ts";
import type { Bar } from "../../services/checks/history.ts";
import { FLAP_WINDOW } from "../../services/checks/transitions.ts";
import { Time } from "../components/time.tsx";
import { BeatBar, beatsOfOutcomes } from "./beat_bar.tsx";
import { ago, formatLatency, formatPercent, shownStatus, STATUS_LABEL, targetOf } from "./format.ts";

/** How often the board re-reads itself. */
export const BOARD_POLL_SECONDS = 5;
export interface BoardProps extends BoardData {
  /** The board's own address with its filters and page, for polling. */
  selfUrl: string;
  /** The address of another page of the board, same filters. */
  pageUrl: (page: number) => string;
  filtered: boolean;
  canWrite: boolean;
  /** Rows get a checkbox for the page's bulk form (#bulk-form), kept across polls by hx-preserve. */
  selectable?: boolean;
  now: Date;
}

export function StatusDot({ status }: { status: keyof typeof STATUS_LABEL }) {
  return <span class={`check-dot check-dot-${status}`} role="img" aria-label={STATUS_LABEL[status]} />;
}

const BAR_LABEL: Record<string, string> = {
  up: "all up",
  down: "all down",
  degraded: "some slow",
  mixed: "some down",
  none: "no results",
};

export function UptimeBars({ bars, now }: { bars: Bar[]; now: Date }) {
  const end = Math.floor(now.getTime() / (BAR_SECONDS * 1000)) * BAR_SECONDS * 1000 + BAR_SECONDS * 1000;
  const hour = (t: number) => new Date(t).toISOString().slice(11, 16);
  return (
    <span class="uptime-bars" role="img" aria-label={`Last ${bars.length} hours`}>
      {bars.map((bar, i) => {
        const from = end - (bars.length - i) * BAR_SECONDS * 1000;
        const kind = bar ?? "none";
        return (
          <span
            key={i}
            class={`uptime-bar bar-${kind}`}
            title={`${hour(from)}–${hour(from + BAR_SECONDS * 1000)} UTC: ${BAR_LABEL[kind]}`}
          />
        );
      })}
    </span>
  );
}

function BoardTableRow({ row, now, selectable }: { row: BoardRow; now: Date; selectable?: boolean }) {
  const c = row.check;
  const status = shownStatus(c);
  return (
    <tr id={`check-${c.id}`} data-status={status}>
      <td class="check-status-cell">
        {selectable && (
          <input
            type="checkbox"
            name="ids"
            value={c.id}
            form="bulk-form"
            id={`select-${c.id}`}
            hx-preserve="true"
            class="bulk-select"
            aria-label={`Select ${c.name}`}
          />
        )}
        <StatusDot status={status} />
        <span class={`check-status-text check-status-${status}`}>{STATUS_LABEL[status]}</span>
      </td>
      <td>
        <a href={`/checks/${c.id}`}>{c.name}</a>
        <small class="muted check-target">{c.type.toUpperCase()} · {targetOf(c)}</small>
        <BeatBar beats={beatsOfOutcomes(c.recent_outcomes)} slots={FLAP_WINDOW} label="Last results" />
      </td>
      <td class="check-bars-cell">
        <UptimeBars bars={row.bars} now={now} />
      </td>
      <td class="numeric">{formatLatency(c.last_latency_ms)}</td>
      <td class="numeric">{formatPercent(row.uptime24)}</td>
      <td>
        <time datetime={c.last_checked_at?.toISOString()} data-format="relative">
          {ago(c.last_checked_at, now)}
        </time>
      </td>
    </tr>
  );
}

export function CheckBoard(
  { groups, selfUrl, pageUrl, page, total, counts, hasNext, filtered, canWrite, selectable, now }: BoardProps,
) {
  return (
    <div
      id="check-board"
      hx-get={selfUrl}
      hx-trigger={`every ${BOARD_POLL_SECONDS}s`}
      hx-swap="outerHTML"
      hx-select="#check-board"
      aria-live="polite"
    >
      {groups.length === 0
        ? (
          <div class="empty-state">
            {filtered ? <p>No checks match these filters.</p> : (
              <>
                <p>No health checks yet. Watch a site, a port or a cron job.</p>
                {canWrite && <a href="/checks/new" role="button">New check</a>}
              </>
            )}
          </div>
        )
        : (
          <>
            <p class="board-summary">
              <span class={counts.up === 0 ? "board-count-zero" : undefined}>
                <StatusDot status="up" /> {counts.up} up
              </span>
              <span class={counts.down === 0 ? "board-count-zero" : undefined}>
                <StatusDot status="down" /> {counts.down} down
              </span>
              <span class={counts.degraded === 0 ? "board-count-zero" : undefined}>
                <StatusDot status="degraded" /> {counts.degraded} degraded
              </span>
              <span class={counts.unknown === 0 ? "board-count-zero" : undefined}>
                <StatusDot status="unknown" /> {counts.unknown} pending
              </span>
              <span class={counts.paused === 0 ? "board-count-zero" : undefined}>
                <StatusDot status="paused" /> {counts.paused} paused
              </span>
              <small class="muted">
                Updated <Time at={now} clock />
              </small>
            </p>
            {groups.map((g) => (
              <section key={g.projectId} class="board-group">
                <h2 class="board-group-title">
                  <span class="muted">{g.clientName} /</span> <a href={`/projects/${g.projectId}`}>{g.projectName}</a>
                </h2>
                <div class="table-wrap">
                  <table class="striped board-table">
                    <thead>
                      <tr>
                        <th scope="col">Status</th>
                        <th scope="col">Check</th>
                        <th scope="col">Last 24 h</th>
                        <th scope="col" class="numeric">Latency</th>
                        <th scope="col" class="numeric">Uptime 24 h</th>
                        <th scope="col">Checked</th>
                      </tr>
                    </thead>
                    <tbody>
                      {g.rows.map((row) => (
                        <BoardTableRow key={row.check.id} row={row} now={now} selectable={selectable} />
                      ))}
                    </tbody>
                  </table>
                </div>
              </section>
            ))}
            {(page > 1 || hasNext) && <Pager page={page} total={total} hasNext={hasNext} pageUrl={pageUrl} />}
          </>
        )}
    </div>
  );
}

/** Which checks this page shows and links to its neighbours: every check is on some page. */
function Pager({ page, total, hasNext, pageUrl }: Pick<BoardProps, "page" | "total" | "hasNext" | "pageUrl">) {
  const from = (page - 1) * BOARD_PAGE_SIZE + 1;
  const to = Math.min(page * BOARD_PAGE_SIZE, total);
  return (
    <nav class="board-pager" aria-label="Board pages">
      {page > 1 ? <a href={pageUrl(page - 1)} rel="prev">← Previous</a> : <span />}
      <span>
        Checks {from.toLocaleString("en")}–{to.toLocaleString("en")} of {total.toLocaleString("en")}
      </span>
      {hasNext ? <a href={pageUrl(page + 1)} rel="next">Next →</a> : <span />}
    </nav>
  );
}
