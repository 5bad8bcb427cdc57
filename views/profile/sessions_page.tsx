import type { SessionView } from "../../services/profile/sessions.ts";
import { Layout } from "../layouts/layout.tsx";
import { SessionRow } from "./_session_row.tsx";

export interface SessionsPageProps {
  sessions: SessionView[];
  nextCursor: string | null;
  timeZone: string | null;
}

export function SessionsPage({ sessions, nextCursor, timeZone }: SessionsPageProps) {
  return (
    <Layout title="Sessions">
      <hgroup>
        <h1>Sessions</h1>
        <p>
          Where you are signed in. A session ends after 12 hours without use or 14 days after sign-in; revoke any you do
          not recognise, then <a href="/profile">change your password</a>.
        </p>
      </hgroup>
      {sessions.length === 0 ? <p class="empty-state">No other active sessions.</p> : (
        <div class="table-wrap">
          <table class="striped sessions-table">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">IP address</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last active</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => <SessionRow key={s.id} session={s} timeZone={timeZone} />)}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor && (
        <p>
          <a href={`/profile/sessions?cursor=${encodeURIComponent(nextCursor)}`}>Older sessions →</a>
        </p>
      )}
      <p>
        <a href="/profile">← Back to your profile</a>
      </p>
    </Layout>
  );
}
