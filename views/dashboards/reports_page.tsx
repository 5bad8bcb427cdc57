import type { ReportRow, RunRow } from "../../db/queries/reports.ts";
import type { MailLogRow } from "../../services/mail/outbox.ts";
import { REPORT_FORMATS } from "../../services/dashboards/reports/schemas.ts";
import type { FieldErrors } from "../components/form_field.tsx";
import { FieldError, FormField, invalid } from "../components/form_field.tsx";
import { timeIn } from "../components/time.tsx";
import { Layout } from "../layouts/layout.tsx";
import { Csrf } from "./_csrf.tsx";

export interface ReportsPageProps {
  dashboardId: string;
  name: string;
  reports: { report: ReportRow; runs: (RunRow & { mail: MailLogRow[] })[] }[];
  canEdit: boolean;
  timeZone: string | null;
  /** The notification channels the form offers. */
  channels: { id: string; name: string; type: string }[];
  values?: Record<string, string>;
  /** The channel ids ticked when the form comes back with errors. */
  chosen?: string[];
  errors?: FieldErrors;
}

/** A dashboard's reports: each with "send now" and its history (files while kept), and the form for a new one. */
export function ReportsPage(
  { dashboardId, name, reports, canEdit, timeZone, channels, values, chosen, errors }: ReportsPageProps,
) {
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  return (
    <Layout title={`Reports of ${name}`}>
      <hgroup>
        <h1>Reports</h1>
        <p>
          <a href={`/dashboards/${dashboardId}`}>{name}</a>{" "}
          on a schedule, as PDF, Excel or CSV: attached to e-mails, linked in channel messages.
        </p>
      </hgroup>
      {reports.length === 0 && <p class="empty-state">No reports yet.</p>}
      {reports.map(({ report: r, runs }) => (
        <article key={r.id}>
          <header>
            <strong>{r.name}</strong> · {r.format} · <code>{r.cron}</code> ({r.timezone}) · {r.recipients.length}{" "}
            recipient(s)
            {r.channel_ids.length > 0 && (
              <>
                {" "}· channels: {r.channel_ids.map((id) => channelName.get(id) ?? "a deleted channel").join(", ")}
              </>
            )} · next {timeIn(r.next_run_at, timeZone)}
            {r.last_sent && <>· last sent {timeIn(r.last_sent, timeZone)}</>}
          </header>
          {canEdit && (
            <form method="post" action={`/dashboards/${dashboardId}/reports/${r.id}/send`}>
              <Csrf />
              <button type="submit" class="secondary outline">Send now</button>
            </form>
          )}
          {runs.length > 0 && (
            <div class="table-wrap">
              <table class="striped">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">How</th>
                    <th scope="col">State</th>
                    <th scope="col">Mail</th>
                    <th scope="col">File</th>
                  </tr>
                </thead>
                <tbody>
                  {runs.map((run) => (
                    <tr key={run.id}>
                      <td>{timeIn(run.created_at, timeZone)}</td>
                      <td>{run.trigger}</td>
                      <td>{run.status}{run.error && <small class="field-error block">{run.error}</small>}</td>
                      <td>{run.mail.map((m) => `${m.to}: ${m.status}`).join(", ")}</td>
                      <td>
                        {run.has_file
                          ? <a href={`/api/v1/report-runs/${run.id}/file`}>{run.filename}</a>
                          : <small class="muted">not kept</small>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </article>
      ))}
      {canEdit && (
        <section>
          <h2>New report</h2>
          <form method="post" action={`/dashboards/${dashboardId}/reports`}>
            <Csrf />
            <FormField name="name" label="Name" value={values?.name} errors={errors} required maxLength={200} />
            <FormField
              name="cron"
              label="Schedule (cron: minute hour day month weekday, at most hourly)"
              value={values?.cron ?? "0 8 * * 1"}
              errors={errors}
              required
            />
            <FormField name="timezone" label="Time zone" value={values?.timezone ?? "UTC"} errors={errors} />
            <label>
              Recipients (e-mail addresses, one per line or comma separated)
              <textarea name="recipients" rows={3} {...invalid("recipients", errors)}>{values?.recipients}</textarea>
              <FieldError name="recipients" errors={errors} />
            </label>
            {channels.length > 0 && (
              <fieldset {...invalid("channel_ids", errors)}>
                <legend>Notification channels (told when a run is ready, with a link to the file)</legend>
                {channels.map((ch) => (
                  <label key={ch.id}>
                    <input type="checkbox" name="channel_ids" value={ch.id} checked={chosen?.includes(ch.id)} />{" "}
                    {ch.name} <span class="muted">({ch.type})</span>
                  </label>
                ))}
                <FieldError name="channel_ids" errors={errors} />
              </fieldset>
            )}
            <label>
              Format
              <select name="format">
                {REPORT_FORMATS.map((f) => <option key={f} value={f} selected={values?.format === f}>{f}</option>)}
              </select>
            </label>
            <button type="submit">Schedule report</button>
          </form>
        </section>
      )}
    </Layout>
  );
}
