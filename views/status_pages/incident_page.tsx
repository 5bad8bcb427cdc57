import { useContext } from "preact/hooks";
import type { IncidentRow, IncidentUpdateRow } from "../../db/queries/incidents.ts";
import { CsrfField, FieldError, type FieldErrors, invalid } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";

const when = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** An incident's timeline and, for editors, the form that posts the next update. */
export function IncidentPage({ incident, updates, canWrite, errors, values = {} }: {
  incident: IncidentRow;
  updates: IncidentUpdateRow[];
  canWrite: boolean;
  errors?: FieldErrors;
  values?: Record<string, string>;
}) {
  const { csrfToken } = useContext(PageContext);
  const closed = incident.resolved_at !== null;
  const next = incident.kind === "maintenance"
    ? ["in_progress", "completed"]
    : ["investigating", "identified", "monitoring", "resolved"];
  return (
    <Layout title={incident.title}>
      <hgroup>
        <h1>{incident.title}</h1>
        <p>
          {incident.kind} · {incident.status} · impact {incident.impact} · since {when(incident.started_at)}
          {incident.resolved_at && ` · closed ${when(incident.resolved_at)}`} ·{" "}
          <a href={`/status-pages/${incident.page_id}`}>Status page</a>
        </p>
      </hgroup>
      {canWrite && !closed && (
        <form method="post" action={`/incidents/${incident.id}/updates`}>
          <CsrfField token={csrfToken} />
          <label>
            Status
            <select name="status" {...invalid("status", errors)}>
              {next.map((s) => <option key={s} value={s} selected={values.status === s}>{s.replace("_", " ")}</option>)}
            </select>
            <FieldError name="status" errors={errors} />
          </label>
          <label>
            Update (public)
            <textarea name="message" rows={3} required {...invalid("message", errors)}>{values.message}</textarea>
            <FieldError name="message" errors={errors} />
          </label>
          <button type="submit">Post update</button>
        </form>
      )}
      <h2>Timeline</h2>
      <ol>
        {updates.map((u) => (
          <li key={u.id}>
            <strong>{u.status.replace("_", " ")}</strong> · {when(u.created_at)}
            <p>{u.body}</p>
          </li>
        ))}
      </ol>
    </Layout>
  );
}
