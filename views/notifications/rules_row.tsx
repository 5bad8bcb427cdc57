/** One notification rule; also the htmx answer to enabling, disabling or deleting it. */
import { eventLabel } from "../../services/events/labels.ts";
import type { RuleRow } from "../../db/queries/notification_rules.ts";
import { RowActionForm } from "../components/row_action_form.tsx";

export function RuleTableRow({ rule: r, canWrite, canDelete, error }: {
  rule: RuleRow;
  canWrite: boolean;
  canDelete: boolean;
  error?: string;
}) {
  return (
    <tr id={`rule-${r.id}`} class={r.enabled ? undefined : "muted"}>
      <td>
        {r.event_types.map((t) => <span key={t} class="event-type" title={t}>{eventLabel(t)}</span>)}
      </td>
      <td>{r.project_name ?? <span class="muted">every project</span>}</td>
      <td>
        <a href={`/notifications/channels/${r.channel_id}`}>{r.channel_name}</a>{" "}
        <small class="muted">{r.channel_type}</small>
        {r.channel_broken && <span class="badge badge-down">broken</span>}
      </td>
      <td>{r.mode === "digest" ? `digest every ${r.digest_minutes} min` : "at once"}</td>
      <td>
        <span class={`badge ${r.enabled ? "badge-up" : "badge-inactive"}`}>{r.enabled ? "on" : "off"}</span>
      </td>
      <td class="rule-actions">
        {canWrite && <a href={`/notifications/rules/${r.id}`} class="secondary">Edit</a>}
        {canWrite && (
          <RowActionForm action={`/notifications/rules/${r.id}/enabled`}>
            <input type="hidden" name="enabled" value={r.enabled ? "false" : "true"} />
            <button type="submit" class="outline secondary small">{r.enabled ? "Disable" : "Enable"}</button>
          </RowActionForm>
        )}
        {canDelete && (
          <RowActionForm action={`/notifications/rules/${r.id}/delete`} confirm="Delete this rule?">
            <button type="submit" class="outline secondary small">Delete</button>
          </RowActionForm>
        )}
        {error && <small class="field-error" role="alert">{error}</small>}
      </td>
    </tr>
  );
}
