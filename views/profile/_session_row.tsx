import { useContext } from "preact/hooks";
import type { SessionView } from "../../services/profile/sessions.ts";
import { CsrfField } from "../components/form_field.tsx";
import { PageContext } from "../page_context.ts";
import { describeUserAgent, formatTime } from "./format.ts";

/** One session; its revoke button replaces the row with nothing (htmx) or reloads the page (no JS). */
export function SessionRow({ session: s, timeZone }: { session: SessionView; timeZone: string }) {
  const { csrfToken } = useContext(PageContext);
  return (
    <tr id={`session-${s.id}`}>
      <td>
        <span title={s.user_agent ?? undefined}>{describeUserAgent(s.user_agent)}</span>
        {s.current && <span class="badge badge-up this-device">this device</span>}
      </td>
      <td>{s.ip ?? "—"}</td>
      <td>{formatTime(s.created_at, timeZone)}</td>
      <td>{formatTime(s.last_seen_at, timeZone)}</td>
      <td>{formatTime(s.expires_at, timeZone)}</td>
      <td>
        {s.current ? <small class="muted">use Sign out</small> : (
          <form
            method="post"
            action={`/profile/sessions/${s.id}/revoke`}
            hx-post={`/profile/sessions/${s.id}/revoke`}
            hx-target="closest tr"
            hx-swap="outerHTML"
            hx-confirm="Sign this session out?"
            class="inline-form"
          >
            <CsrfField token={csrfToken} />
            <button type="submit" class="outline secondary small">Revoke</button>
          </form>
        )}
      </td>
    </tr>
  );
}
