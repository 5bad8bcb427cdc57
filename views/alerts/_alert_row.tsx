import { useContext } from "preact/hooks";
import type { AlertRow } from "../../db/queries/alerts.ts";
import { CsrfField } from "../components/form_field.tsx";
import { PageContext } from "../page_context.ts";
import { shortTime } from "../users/format.ts";
import { age, ALERT_STATUS_BADGE, SEVERITY_BADGE } from "./format.ts";

export interface AlertRowProps {
  alert: AlertRow;
  /** alerts:write: may acknowledge, snooze and resolve. */
  canAct: boolean;
  now: Date;
  /** A refused action, shown in the row it was refused in. */
  error?: string;
  /** The inbox's rows get a checkbox for its bulk form (#alert-bulk-form), kept across swaps by hx-preserve. */
  selectable?: boolean;
}

/** One alert in the inbox; rendered in the table and alone as the answer to its htmx actions. */
export function AlertTableRow({ alert, canAct, now, error, selectable }: AlertRowProps) {
  return (
    <tr id={`alert-${alert.id}`} class={`alert-row alert-${alert.status}`}>
      <td>
        {selectable && canAct && alert.status !== "resolved" && (
          <input
            type="checkbox"
            name="ids"
            value={alert.id}
            form="alert-bulk-form"
            id={`select-alert-${alert.id}`}
            hx-preserve="true"
            class="bulk-select"
            aria-label={`Select “${alert.summary}”`}
          />
        )}
        <span class={`badge ${SEVERITY_BADGE[alert.severity]}`}>{alert.severity}</span>
      </td>
      <td>
        <a href={`/alerts/${alert.id}`}>
          <strong>{alert.summary}</strong>
        </a>
        <small class="muted">
          {alert.project_name ?? "Organization"} · {alert.rule_name}
        </small>
      </td>
      <td>
        <time datetime={alert.triggered_at.toISOString()} title={shortTime(alert.triggered_at)} data-format="relative">
          {age(alert.triggered_at, now)}
        </time>
      </td>
      <td>
        <span class={`badge ${ALERT_STATUS_BADGE[alert.status]}`}>{alert.status}</span>
        {alert.status === "acknowledged" && alert.acknowledged_by_name && (
          <small class="muted">by {alert.acknowledged_by_name}</small>
        )}
        {alert.status === "snoozed" && alert.snoozed_until && (
          <small class="muted">until {shortTime(alert.snoozed_until)}</small>
        )}
      </td>
      <td class="alert-actions">
        {canAct && alert.status !== "resolved" && <AlertActions alert={alert} />}
        {error && <small class="field-error" role="alert">{error}</small>}
      </td>
    </tr>
  );
}

/**
 * Acknowledge (with an optional comment), snooze, resolve. With htmx each
 * button posts to its own URL and the row is swapped; without it,
 * `formaction` does the same as a plain post and comes back to the inbox.
 */
export function AlertActions({ alert, returnTo = "/alerts" }: { alert: AlertRow; returnTo?: string }) {
  const { csrfToken } = useContext(PageContext);
  const url = (verb: string) => `/alerts/${alert.id}/${verb}`;
  const swap = returnTo === "/alerts" ? { "hx-target": "closest tr", "hx-swap": "outerHTML" } : {};
  return (
    <form method="post" action={url("acknowledge")} class="inline-form alert-act" {...swap}>
      <CsrfField token={csrfToken} />
      <input type="hidden" name="return_to" value={returnTo} />
      <input
        type="text"
        name="comment"
        maxLength={2000}
        placeholder="Comment (optional)"
        aria-label={`Comment on “${alert.summary}”`}
      />
      {alert.status !== "acknowledged" && (
        <button
          type="submit"
          class="small"
          hx-post={returnTo === "/alerts" ? url("acknowledge") : undefined}
          formaction={url("acknowledge")}
        >
          Acknowledge
        </button>
      )}
      <select name="snooze" aria-label="Snooze for">
        <option value="60">1 h</option>
        <option value="240">4 h</option>
        <option value="tomorrow">until tomorrow 09:00</option>
      </select>
      <button
        type="submit"
        class="outline secondary small"
        hx-post={returnTo === "/alerts" ? url("snooze") : undefined}
        formaction={url("snooze")}
      >
        Snooze
      </button>
      <button
        type="submit"
        class="outline small"
        hx-post={returnTo === "/alerts" ? url("resolve") : undefined}
        formaction={url("resolve")}
      >
        Resolve
      </button>
    </form>
  );
}
