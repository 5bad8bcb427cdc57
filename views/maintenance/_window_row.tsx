import type { WindowJson } from "../../services/maintenance/schemas.ts";
import { RowActionForm } from "../components/row_action_form.tsx";

export const utc = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "open-ended");

export function describeWindow(w: WindowJson): string {
  if (w.kind === "one_off") return "one-off";
  return `${w.rrule} from ${w.dtstart?.slice(0, 16).replace("T", " ")} ${w.timezone}, ${w.duration_minutes} min each`;
}

/** A window in the "active now" table; htmx swaps it after "End now". */
export function WindowRow(
  { window: w, projectName, canWrite, error }: {
    window: WindowJson;
    projectName: string;
    canWrite: boolean;
    error?: string;
  },
) {
  const running = w.next_occurrences[0];
  return (
    <tr id={`window-${w.id}`}>
      <td>
        <strong>{w.title}</strong>
        <br />
        <small class="muted">{describeWindow(w)}</small>
      </td>
      <td>{projectName}{w.environment && ` · ${w.environment}`}</td>
      <td>
        {w.active && running ? `until ${utc(running.ends_at)}` : `ended ${utc(w.ends_at)}`}
      </td>
      <td>
        {canWrite && w.active && (
          <RowActionForm action={`/maintenance/${w.id}/end`} confirm={`End "${w.title}" now?`}>
            <button type="submit" class="small secondary">
              {w.kind === "recurring" ? "End series now" : "End now"}
            </button>
          </RowActionForm>
        )}
        {error && <small class="field-error" role="alert">{error}</small>}
      </td>
    </tr>
  );
}
