import { useContext } from "preact/hooks";
import type { ChannelRow } from "../../db/queries/notification_channels.ts";
import { CsrfField } from "../components/form_field.tsx";
import { RowActionForm } from "../components/row_action_form.tsx";
import { PageContext } from "../page_context.ts";
import { timeIn } from "../components/time.tsx";

export const TYPE_LABEL = { slack: "Slack", email: "E-mail", webhook: "Webhook" } as const;

/** Where the channel sends, without its secret. */
export function destinationOf(row: ChannelRow): string {
  const c = row.config;
  if (row.type === "email") return ((c.to as string[] | undefined) ?? []).join(", ");
  if (row.type === "webhook") return String(c.url ?? "");
  if (c.mode === "app") return `${c.workspace ?? "Slack workspace"} · ${c.channel ?? "?"}`;
  return c.mode === "webhook" ? `incoming webhook ${c.secret_hint ?? ""}` : `bot in ${c.channel ?? "?"}`;
}

export function ChannelStatus({ row, timeZone }: { row: ChannelRow; timeZone: string | null }) {
  if (row.broken) {
    return (
      <>
        <span class="badge badge-down">broken</span>
        {row.last_error && <small class="channel-error">{row.last_error}</small>}
      </>
    );
  }
  if (row.last_error) {
    return (
      <>
        <span class="badge badge-degraded">failing</span>
        <small class="channel-error">{row.last_error}</small>
      </>
    );
  }
  return (
    <>
      <span class="badge badge-up">ok</span>
      {row.last_success_at && <small class="muted">last sent {timeIn(row.last_success_at, timeZone)}</small>}
    </>
  );
}

export interface ChannelTableRowProps {
  row: ChannelRow;
  timeZone: string | null;
  canWrite: boolean;
  canDelete: boolean;
}

/** One channel; its test button answers in place, its delete removes the row (htmx). */
export function ChannelTableRow({ row, timeZone, canWrite, canDelete }: ChannelTableRowProps) {
  const { csrfToken } = useContext(PageContext);
  return (
    <tr id={`channel-${row.id}`}>
      <td>
        <a href={`/notifications/channels/${row.id}`}>
          <strong>{row.name}</strong>
        </a>
      </td>
      <td>{TYPE_LABEL[row.type]}</td>
      <td class="channel-destination">{destinationOf(row)}</td>
      <td class="channel-status">
        <ChannelStatus row={row} timeZone={timeZone} />
      </td>
      <td class="channel-actions">
        {canWrite && (
          <form
            method="post"
            action={`/notifications/channels/${row.id}/test`}
            hx-post={`/notifications/channels/${row.id}/test`}
            hx-target={`#test-result-${row.id}`}
            hx-swap="innerHTML"
            hx-disabled-elt="find button"
            class="inline-form"
          >
            <CsrfField token={csrfToken} />
            <button type="submit" class="outline small">Send test</button>
          </form>
        )}
        {canDelete && (
          <RowActionForm
            action={`/notifications/channels/${row.id}/delete`}
            confirm={`Delete "${row.name}"? Its notification rules and delivery log go with it.`}
          >
            <button type="submit" class="outline secondary small">Delete</button>
          </RowActionForm>
        )}
        <div id={`test-result-${row.id}`} aria-live="polite"></div>
      </td>
    </tr>
  );
}
