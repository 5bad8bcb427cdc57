import { useContext } from "preact/hooks";
import type { MaintenanceView, Preview } from "../../services/maintenance/form.ts";
import { CsrfField, FieldError, type FieldErrors, FormField, invalid } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { describeWindow, utc, WindowRow } from "./_window_row.tsx";

export interface MaintenancePageProps {
  view: MaintenanceView;
  form: Record<string, string>;
  errors?: FieldErrors;
  error?: string;
  preview: Preview | null;
  created?: boolean;
}

const ZONES = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo"];

/** The next occurrences of the rule being typed (htmx refreshes it as the form changes). */
export function PreviewBlock({ preview }: { preview: Preview | null }) {
  return (
    <div id="window-preview" class="window-preview" aria-live="polite">
      {preview?.error && <small class="muted">{preview.error}</small>}
      {preview && preview.occurrences.length > 0 && (
        <>
          <small>Next occurrences (local time in the chosen timezone):</small>
          <ol>
            {preview.occurrences.map((o) => <li key={o.start}>{o.start} – {o.end.slice(11)}</li>)}
          </ol>
        </>
      )}
    </div>
  );
}

function CreateForm({ view, form, errors, preview }: MaintenancePageProps) {
  const { csrfToken } = useContext(PageContext);
  const recurring = form.kind === "recurring";
  return (
    <form method="post" action="/maintenance" class="window-form">
      <CsrfField token={csrfToken} />
      <fieldset class="grid">
        <FormField name="title" label="Title" value={form.title} errors={errors} required maxLength={200} />
        <label>
          Covers
          <select name="project_id" {...invalid("project_id", errors)}>
            <option value="">Every project</option>
            {view.projects.map((p) => (
              <option key={p.id} value={p.id} selected={p.id === form.project_id}>{p.name}</option>
            ))}
          </select>
          <FieldError name="project_id" errors={errors} />
        </label>
        <label>
          Timezone
          <input name="timezone" list="timezones" value={form.timezone || "UTC"} {...invalid("timezone", errors)} />
          <datalist id="timezones">{ZONES.map((z) => <option key={z} value={z} />)}</datalist>
          <FieldError name="timezone" errors={errors} />
        </label>
      </fieldset>
      <fieldset>
        <legend>Kind</legend>
        <label>
          <input type="radio" name="kind" value="one_off" checked={!recurring} /> One-off
        </label>
        <label>
          <input type="radio" name="kind" value="recurring" checked={recurring} /> Recurring
        </label>
      </fieldset>
      <fieldset class="grid window-kind for-one_off">
        <FormField
          name="starts_at"
          label="Starts (local)"
          type="datetime-local"
          value={form.starts_at}
          errors={errors}
        />
        <FormField name="ends_at" label="Ends (local)" type="datetime-local" value={form.ends_at} errors={errors} />
      </fieldset>
      <fieldset
        class="grid window-kind for-recurring"
        hx-get="/maintenance/preview"
        hx-trigger="input changed delay:400ms from:closest form, change from:closest form"
        hx-include="closest form"
        hx-target="#window-preview"
        hx-swap="outerHTML"
      >
        <FormField
          name="rrule"
          label="Rule (RRULE)"
          value={form.rrule}
          errors={errors}
          placeholder="FREQ=WEEKLY;BYDAY=SU"
        />
        <FormField
          name="dtstart"
          label="First start (local)"
          type="datetime-local"
          value={form.dtstart}
          errors={errors}
        />
      </fieldset>
      <FormField
        name="duration_minutes"
        label="Duration (minutes; one-off: instead of an end)"
        type="number"
        value={form.duration_minutes}
        errors={errors}
      />
      <FieldError name="dtstart" errors={errors} />
      <PreviewBlock preview={preview} />
      <div class="form-actions">
        <button type="submit">Create window</button>
        <button type="submit" class="secondary" formaction="/maintenance" formmethod="get" name="preview" value="1">
          Preview occurrences
        </button>
      </div>
      <small class="muted">
        Rules: FREQ=DAILY|WEEKLY|MONTHLY with INTERVAL, BYDAY (MO…SU; 1MO / -1FR monthly), BYMONTHDAY, BYHOUR, BYMINUTE,
        COUNT or UNTIL. Times follow the local clock across DST changes.
      </small>
    </form>
  );
}

export function MaintenancePage(props: MaintenancePageProps) {
  const { view, error, created } = props;
  const projectName = (
    id: string | null,
  ) => (id ? view.projects.find((p) => p.id === id)?.name ?? "A project" : "Every project");
  return (
    <Layout title="Maintenance windows">
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/checks">Checks</a>
          </li>
          <li>Maintenance</li>
        </ul>
      </nav>
      <hgroup>
        <h1>Maintenance windows</h1>
        <p>
          While a window covers a project its checks keep running, but alerts are held back and the time is left out of
          uptime.
        </p>
      </hgroup>
      {created && <Notice kind="ok">Window created.</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      <h2>Active now</h2>
      {view.active.length === 0 ? <p class="empty-state">Nothing is in maintenance right now.</p> : (
        <table>
          <thead>
            <tr>
              <th>Window</th>
              <th>Covers</th>
              <th>Ends</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {view.active.map((w) => (
              <WindowRow key={w.id} window={w} projectName={projectName(w.project_id)} canWrite={view.canWrite} />
            ))}
          </tbody>
        </table>
      )}
      <h2>Upcoming</h2>
      {view.upcoming.length === 0 ? <p class="empty-state">No maintenance planned.</p> : (
        <table>
          <thead>
            <tr>
              <th>Starts</th>
              <th>Ends</th>
              <th>Window</th>
              <th>Covers</th>
            </tr>
          </thead>
          <tbody>
            {view.upcoming.map((u) => (
              <tr key={`${u.window.id}-${u.start}`}>
                <td>{utc(u.start)}</td>
                <td>{utc(u.end)}</td>
                <td>
                  {u.window.title} <small class="muted">({describeWindow(u.window)})</small>
                </td>
                <td>{projectName(u.window.project_id)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {view.canWrite && (
        <details open={Boolean(props.errors || props.preview)}>
          <summary role="button" class="secondary">New maintenance window</summary>
          <CreateForm {...props} />
        </details>
      )}
      <h2>Recently over</h2>
      {view.past.length === 0 ? <p class="empty-state">No past windows.</p> : (
        <table>
          <thead>
            <tr>
              <th>Window</th>
              <th>Covered</th>
              <th>Ended</th>
            </tr>
          </thead>
          <tbody>
            {view.past.map((w) => (
              <tr key={w.id}>
                <td>
                  {w.title} <small class="muted">({describeWindow(w)})</small>
                </td>
                <td>{projectName(w.project_id)}</td>
                <td>{utc(w.ends_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
