import type { Severity } from "../../db/queries/alert_rules.ts";
import type { AlertRow, AlertStatus } from "../../db/queries/alerts.ts";
import { useContext } from "preact/hooks";
import { CsrfField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { PageContext } from "../page_context.ts";
import { Layout } from "../layouts/layout.tsx";
import { AlertTableRow } from "./_alert_row.tsx";
import { liveAttrs } from "../components/live.ts";

export interface AlertsPageProps {
  alerts: AlertRow[];
  nextCursor: string | null;
  status: AlertStatus | "open" | "all";
  severity?: Severity;
  projectId?: string;
  /** The projects the reader sees, for the project filter. */
  projects: { id: string; name: string }[];
  canAct: boolean;
  canSeeRules: boolean;
  now: Date;
  notice?: { kind: "ok" | "error"; text: string };
  /** What the last bulk action did (from its redirect's query). */
  bulk?: { action: string; done: number; refused: number };
}

const BULK_DONE: Record<string, string> = { acknowledge: "acknowledged", resolve: "resolved" };

/** Acknowledge or resolve the rows ticked in the inbox (their checkboxes name this form). */
function BulkForm({ back }: { back: string }) {
  const { csrfToken } = useContext(PageContext);
  return (
    <form id="alert-bulk-form" method="post" action="/alerts/bulk" class="bulk-actions">
      <CsrfField token={csrfToken} />
      <input type="hidden" name="return_query" value={back} />
      <span class="muted">With the ticked alerts:</span>
      <input
        type="text"
        name="comment"
        maxLength={2000}
        placeholder="Comment (optional)"
        aria-label="Comment on the ticked alerts"
      />
      <button type="submit" name="action" value="acknowledge" class="small">Acknowledge</button>
      <button type="submit" name="action" value="resolve" class="outline small">Resolve</button>
    </form>
  );
}

/** The bulk action's outcome, in words. */
function BulkNotice({ bulk }: { bulk: NonNullable<AlertsPageProps["bulk"]> }) {
  if (bulk.action === "none") return <Notice kind="error">Tick at least one alert first.</Notice>;
  return (
    <Notice kind={bulk.refused ? "error" : "ok"}>
      {bulk.done} alert{bulk.done === 1 ? "" : "s"} {BULK_DONE[bulk.action] ?? "changed"}
      {bulk.refused ? `; ${bulk.refused} refused (already done, gone, or not yours to change)` : ""}.
    </Notice>
  );
}

const STATUS_FILTERS = [
  ["open", "Open"],
  ["triggered", "Triggered"],
  ["acknowledged", "Acknowledged"],
  [
    "snoozed",
    "Snoozed",
  ],
  ["resolved", "Resolved"],
  ["all", "All"],
] as const;

/** The inbox: open alerts first (the default filter), newest first, with in-place actions and a poll for new ones. */
export function AlertsPage(props: AlertsPageProps) {
  const { alerts, status, severity, projectId, now } = props;
  // Every filter rides in the URL (a GET form), so a filtered inbox can be bookmarked, shared and paged.
  const query = (extra: Record<string, string>) =>
    new URLSearchParams({
      status,
      ...(severity ? { severity } : {}),
      ...(projectId ? { project_id: projectId } : {}),
      ...extra,
    }).toString();
  return (
    <Layout title="Alerts">
      <hgroup class="page-head">
        <h1>Alerts</h1>
        <p>
          What needs attention now. {props.canSeeRules && <a href="/alert-rules">Alert rules</a>}
        </p>
      </hgroup>
      {/* Shown by static/js/alert_notify.js where the browser has notifications. */}
      <button type="button" id="alert-notify-toggle" class="secondary outline small" aria-pressed="false" hidden>
        Notify me in this browser
      </button>
      <script src="/static/js/alert_notify.js" defer></script>
      {props.notice && <Notice kind={props.notice.kind}>{props.notice.text}</Notice>}
      {props.bulk && <BulkNotice bulk={props.bulk} />}
      <form method="get" action="/alerts" class="filters alert-filters" role="search">
        <label>
          Status
          <select name="status">
            {STATUS_FILTERS.map(([value, label]) => (
              <option key={value} value={value} selected={value === status}>{label}</option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <select name="severity">
            <option value="">Any</option>
            {(["critical", "warning", "info"] as const).map((s) => (
              <option key={s} value={s} selected={s === severity}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Project
          <select name="project_id">
            <option value="">All projects</option>
            {props.projects.map((p) => <option key={p.id} value={p.id} selected={p.id === projectId}>{p.name}</option>)}
          </select>
        </label>
        <button type="submit" class="secondary">Filter</button>
      </form>
      {props.canAct && <BulkForm back={query({})} />}
      <NewAlertsPoll since={now} selectable={props.canAct} />
      {alerts.length === 0
        ? (
          <p class="empty-state">
            {status === "open"
              ? "No open alerts. Rules open one here when a check goes down, a deployment fails or a metric crosses its threshold."
              : "No alerts match these filters."}
          </p>
        )
        : <AlertsTable alerts={alerts} canAct={props.canAct} now={now} selectable />}
      {props.nextCursor && <a href={`/alerts?${query({ cursor: props.nextCursor })}`}>Older alerts →</a>}
    </Layout>
  );
}

/** Alerts with their in-place actions: the inbox's table (selectable), also the project hub's Alerts tab. */
export function AlertsTable({ alerts, canAct, now, selectable }: {
  alerts: AlertRow[];
  canAct: boolean;
  now: Date;
  selectable?: boolean;
}) {
  return (
    <div class="table-wrap">
      <table class="striped alerts-table">
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Alert</th>
            <th scope="col">Age</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((a) => <AlertTableRow key={a.id} alert={a} canAct={canAct} now={now} selectable={selectable} />)}
        </tbody>
      </table>
    </div>
  );
}

/** How often the inbox asks for new alerts while its live stream is down (views/components/live.ts). */
export const INBOX_POLL_SECONDS = 5;

/**
 * Polls for alerts opened since the page was rendered and shows them as rows
 * of their own table above the inbox, rather than re-rendering the table
 * under someone typing a comment. The answer carries a <title> with the open
 * count, which htmx puts in the tab.
 */
export function NewAlertsPoll({ since, fresh = [], open, canAct = false, now = since, selectable }: {
  since: Date;
  /** The new rows get checkboxes; hx-preserve keeps their ticks through this poll's swap. */
  selectable?: boolean;
  now?: Date;
  fresh?: AlertRow[];
  /** Open alerts now; absent on the first render (the page's own title has it). */
  open?: number;
  canAct?: boolean;
}) {
  return (
    <div
      id="alerts-poll"
      hx-get={`/alerts/poll?since=${encodeURIComponent(since.toISOString())}`}
      {...liveAttrs(["alerts"], INBOX_POLL_SECONDS, { load: open === undefined })}
      hx-swap="outerHTML"
      aria-live="polite"
    >
      {fresh.length > 0 && (
        <section class="new-alerts" aria-label="New alerts">
          <p class="notice notice-ok">
            {fresh.length === 1 ? "1 new alert" : `${fresh.length} new alerts`} since this page loaded.{" "}
            <a href="/alerts">Reload the inbox</a>
          </p>
          <AlertsTable alerts={fresh} canAct={canAct} now={now} selectable={selectable} />
        </section>
      )}
    </div>
  );
}

/** The inbox's tab title: the open count first, so it reads in a crowded tab bar. */
export const alertsTitle = (open: number) => `${open > 0 ? `(${open}) ` : ""}Alerts · Opsdeck`;
