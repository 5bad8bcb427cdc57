import type { SessionView } from "../../services/profile/sessions.ts";
import { RowActionForm } from "../components/row_action_form.tsx";
import { describeUserAgent } from "./format.ts";
import { timeIn } from "../components/time.tsx";

/** One session; its revoke button replaces the row with nothing (htmx) or reloads the page (no JS). */
export function SessionRow({ session: s, timeZone }: { session: SessionView; timeZone: string | null }) {
  return (
    <tr id={`session-${s.id}`}>
      <td>
        <span title={s.user_agent ?? undefined}>{describeUserAgent(s.user_agent)}</span>
        {s.current && <span class="badge badge-up this-device">this device</span>}
      </td>
      <td>{s.ip ?? "—"}</td>
      <td>{timeIn(s.created_at, timeZone)}</td>
      <td>{timeIn(s.last_seen_at, timeZone)}</td>
      <td>{timeIn(s.expires_at, timeZone)}</td>
      <td>
        {s.current
          ? <small class="muted">use Sign out</small>
          : (
            <RowActionForm action={`/profile/sessions/${s.id}/revoke`} confirm="Sign this session out?">
              <button type="submit" class="outline secondary small">Revoke</button>
            </RowActionForm>
          )}
      </td>
    </tr>
  );
}
