/**
 * The delivery log: each delivery with its status, event, channel and every
 * attempt (time, response code, error, latency), and a re-send button. Used
 * by /notifications/deliveries, the channel page and the alert page; a
 * re-send answers with the row alone (htmx).
 */
import { eventLabel } from "../../services/events/labels.ts";
import { useContext } from "preact/hooks";
import type { DeliveryRow } from "../../db/queries/notification_deliveries.ts";
import { CsrfField } from "../components/form_field.tsx";
import { PageContext } from "../page_context.ts";
import { shortTime } from "../users/format.ts";

export const DELIVERY_BADGE: Record<string, string> = {
  pending: "badge-pending",
  sending: "badge-in-progress",
  sent: "badge-up",
  failed: "badge-degraded",
  dead: "badge-down",
};

export interface DeliveryLogProps {
  deliveries: DeliveryRow[];
  /** Defaults to the page's own token. */
  csrfToken?: string;
  /** Whether the viewer may re-send (notification_channels:write). */
  canResend?: boolean;
  /** Hide the channel column on a channel's own page. */
  showChannel?: boolean;
  empty?: string;
}

export function DeliveryLog(props: DeliveryLogProps) {
  const { deliveries, showChannel = true } = props;
  if (deliveries.length === 0) {
    return <p class="empty-state">{props.empty ?? "Nothing has been sent yet."}</p>;
  }
  return (
    <div class="table-wrap">
      <table class="striped delivery-log">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Event</th>
            {showChannel && <th scope="col">Channel</th>}
            <th scope="col">Created</th>
            <th scope="col">Attempts</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <DeliveryLogRow
              key={d.id}
              delivery={d}
              csrfToken={props.csrfToken}
              canResend={props.canResend ?? false}
              showChannel={showChannel}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function DeliveryLogRow(
  { delivery: d, csrfToken, canResend, showChannel = true, error }: {
    delivery: DeliveryRow;
    csrfToken?: string;
    canResend: boolean;
    showChannel?: boolean;
    error?: string;
  },
) {
  const page = useContext(PageContext);
  const token = csrfToken ?? page.csrfToken;
  const resendable = canResend && (d.status === "sent" || d.status === "dead" || d.status === "failed");
  const action = `/notifications/deliveries/${d.id}/resend`;
  return (
    <tr id={`delivery-${d.id}`}>
      <td>
        <span class={`badge ${DELIVERY_BADGE[d.status] ?? ""}`}>{d.status}</span>
        {d.mode === "digest" && <span class="tag">digest</span>}
      </td>
      <td>
        <span title={d.event_type}>{eventLabel(d.event_type)}</span>
        <br />
        <small class="muted" title="Delivery id: receivers see it as the message id">{d.id}</small>
      </td>
      {showChannel && (
        <td>
          {d.channel_name} <small class="muted">{d.channel_type}</small>
        </td>
      )}
      <td>
        <time datetime={d.created_at.toISOString()}>{shortTime(d.created_at)}</time>
        {(d.status === "failed" || d.status === "pending") && (
          <>
            <br />
            <small class="muted">
              next try <time datetime={d.next_attempt_at.toISOString()}>{shortTime(d.next_attempt_at)}</time>
            </small>
          </>
        )}
      </td>
      <td>
        {d.attempt_log.length === 0 ? <span class="muted">none yet</span> : (
          <details>
            <summary>
              {d.attempt_log.length} {d.attempt_log.length === 1 ? "attempt" : "attempts"}
              {d.last_error && <small class="field-error">{d.last_error}</small>}
            </summary>
            <ol class="attempt-list">
              {d.attempt_log.map((a) => (
                <li key={a.attempt}>
                  <time datetime={a.attempted_at.toISOString()}>{shortTime(a.attempted_at)}</time>{" "}
                  {a.response_code ? <code>{a.response_code}</code> : <code>no response</code>}{" "}
                  {a.latency_ms !== null && <span class="muted">{a.latency_ms} ms</span>}{" "}
                  {a.error && <span class="field-error">{a.error}</span>}
                </li>
              ))}
            </ol>
          </details>
        )}
      </td>
      <td>
        {resendable && (
          <form
            method="post"
            action={action}
            hx-post={action}
            hx-target="closest tr"
            hx-swap="outerHTML"
            class="inline-form"
          >
            <CsrfField token={token} />
            {!showChannel && <input type="hidden" name="columns" value="no-channel" />}
            <button type="submit" class="outline small">Re-send</button>
          </form>
        )}
        {error && <small class="field-error" role="alert">{error}</small>}
      </td>
    </tr>
  );
}
