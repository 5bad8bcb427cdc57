import type { Severity } from "../../db/queries/alert_rules.ts";
import type { AlertRow, AlertStatus } from "../../db/queries/alerts.ts";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { AlertTableRow } from "./_alert_row.tsx";

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
      <NewAlertsPoll since={now} />
      {alerts.length === 0
        ? (
          <p class="empty-state">
            {status === "open"
              ? "No open alerts. Rules open one here when a check goes down, a deployment fails or a metric crosses its threshold."
              : "No alerts match these filters."}
          </p>
        )
        : <AlertsTable alerts={alerts} canAct={props.canAct} now={now} />}
      {props.nextCursor && <a href={`/alerts?${query({ cursor: props.nextCursor })}`}>Older alerts →</a>}
    </Layout>
  );
}

/** Alerts with their in-place actions: the inbox's table, also the project hub's Alerts tab. */
export function AlertsTable({ alerts, canAct, now }: { alerts: AlertRow[]; canAct: boolean; now: Date }) {
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
          {alerts.map((a) => <AlertTableRow key={a.id} alert={a} canAct={canAct} now={now} />)}
        </tbody>
      </table>
    </div>
  );
}

/** How often the inbox asks for new alerts (htmx polling; docs/ui.md says why not SSE). */
export const INBOX_POLL_SECONDS = 5;

/**
 * Polls for alerts opened since the page was rendered and shows them as rows
 * of their own table above the inbox, rather than re-rendering the table
 * under someone typing a comment. The answer carries a <title> with the open
 * count, which htmx puts in the tab.
 */
export function NewAlertsPoll({ since, fresh = [], open, canAct = false, now = since }: {
  since: Date;
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
      hx-trigger={open === undefined ? `load, every ${INBOX_POLL_SECONDS}s` : `every ${INBOX_POLL_SECONDS}s`}
      hx-swap="outerHTML"
      aria-live="polite"
    >
      {fresh.length > 0 && (
        <section class="new-alerts" aria-label="New alerts">
          <p class="notice notice-ok">
            {fresh.length === 1 ? "1 new alert" : `${fresh.length} new alerts`} since this page loaded.{" "}
            <a href="/alerts">Reload the inbox</a>
          </p>
          <AlertsTable alerts={fresh} canAct={canAct} now={now} />
        </section>
      )}
    </div>
  );
}

/** The inbox's tab title: the open count first, so it reads in a crowded tab bar. */
export const alertsTitle = (open: number) => `${open > 0 ? `(${open}) ` : ""}Alerts · Opsdeck`;
