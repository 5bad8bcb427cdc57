/**
 * The status board's live part: every visible check grouped by client and
 * project, with a status dot, hourly uptime bars for the last day, the
 * latest latency and the 24-hour uptime. Every few seconds it polls its own
 * address with the version it holds (htmx, no swap of its own): the answer
 * swaps in only the rows and summary that changed (out of band), or the whole
 * board when its layout changed (HX-Retarget), so filters in the URL and the
 * page's scroll position stay as they are.
 */
import {
  BAR_SECONDS,
  type BoardChanges,
  type BoardCounts,
  type BoardData,
  type BoardRow,
} from "../../services/checks/board.ts";
import type { Bar } from "../../services/checks/history.ts";
import { FLAP_WINDOW } from "../../services/checks/transitions.ts";
import { Time } from "../components/time.tsx";
import { BeatBar, beatsOfOutcomes } from "./beat_bar.tsx";
import { ago, formatLatency, formatPercent, shownStatus, STATUS_LABEL, targetOf } from "./format.ts";
import { liveAttrs } from "../components/live.ts";

/** How often the board re-reads itself. */
export const BOARD_POLL_SECONDS = 5;
export interface BoardProps extends BoardData {
  /** The board's own address with its filters and page, for polling. */
  selfUrl: string;
  /** The addresses of the neighbouring pages of the board, same filters (null at either end). */
  prevUrl: string | null;
  nextUrl: string | null;
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

function BoardTableRow(
  { row, now, oob, selectable }: { row: BoardRow; now: Date; oob?: boolean; selectable?: boolean },
) {
  const c = row.check;
  const status = shownStatus(c);
  return (
    <tr id={`check-${c.id}`} data-status={status} hx-swap-oob={oob ? "true" : undefined}>
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
        <small class="muted check-target">
          {c.environment_name && <span class="badge">{c.environment_name}</span>} {c.type.toUpperCase()} · {targetOf(c)}
        </small>
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

/** The ids the poll's out-of-band answers replace. */
const VERSION_ID = "board-version";
const SUMMARY_ID = "board-summary";
const UPDATED_ID = "board-updated";

const oobAttr = (oob?: boolean) => oob ? "true" : undefined;

function Updated({ now, oob }: { now: Date; oob?: boolean }) {
  return (
    <small class="muted" id={UPDATED_ID} hx-swap-oob={oobAttr(oob)}>
      Updated <Time at={now} clock />
    </small>
  );
}

function Summary({ counts, now, oob }: { counts: BoardCounts; now: Date; oob?: boolean }) {
  const shown = ["up", "down", "degraded", "unknown", "paused"] as const;
  const words = { up: "up", down: "down", degraded: "degraded", unknown: "pending", paused: "paused" };
  return (
    <p class="board-summary" id={SUMMARY_ID} hx-swap-oob={oobAttr(oob)}>
      {shown.map((s) => (
        <span key={s} class={counts[s] === 0 ? "board-count-zero" : undefined}>
          <StatusDot status={s} /> {counts[s]} {words[s]}
        </span>
      ))}
      <Updated now={now} />
    </p>
  );
}

export function CheckBoard(
  { groups, selfUrl, prevUrl, nextUrl, first, shown, total, counts, version, filtered, canWrite, selectable, now }:
    BoardProps,
) {
  return (
    <div
      id="check-board"
      hx-get={selfUrl}
      {...liveAttrs(["checks"], BOARD_POLL_SECONDS)}
      hx-swap="none"
      hx-include={`#${VERSION_ID}`}
      aria-live="polite"
    >
      <input type="hidden" id={VERSION_ID} name="v" value={version} />
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
            <Summary counts={counts} now={now} />
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
            {(prevUrl || nextUrl) && (
              <Pager first={first} shown={shown} total={total} prevUrl={prevUrl} nextUrl={nextUrl} />
            )}
          </>
        )}
    </div>
  );
}

/** Which checks this page shows and links to its neighbours: every check is on some page. */
function Pager(
  { first, shown, total, prevUrl, nextUrl }: Pick<BoardProps, "first" | "shown" | "total" | "prevUrl" | "nextUrl">,
) {
  return (
    <nav class="board-pager" aria-label="Board pages">
      {prevUrl ? <a href={prevUrl} rel="prev">← Previous</a> : <span />}
      <span>
        Checks {first.toLocaleString("en")}–{(first + shown - 1).toLocaleString("en")} of {total.toLocaleString("en")}
      </span>
      {nextUrl ? <a href={nextUrl} rel="next">Next →</a> : <span />}
    </nav>
  );
}

/**
 * A poll's answer when the layout held: the new version, the rows that
 * changed (each in a template, as a lone <tr> cannot stand outside a table),
 * and the summary when its counts moved (else just the time it was checked).
 */
export function BoardChangesFragment(
  { changes, now, selectable }: { changes: Extract<BoardChanges, { kind: "rows" }>; now: Date; selectable?: boolean },
) {
  return (
    <>
      <input type="hidden" id={VERSION_ID} name="v" value={changes.version} hx-swap-oob="true" />
      {changes.counts ? <Summary counts={changes.counts} now={now} oob /> : <Updated now={now} oob />}
      {changes.rows.map((row) => (
        <template key={row.check.id}>
          <BoardTableRow row={row} now={now} oob selectable={selectable} />
        </template>
      ))}
    </>
  );
}
