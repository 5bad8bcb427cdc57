import type { AuditFilterOptions } from "../../services/audits/list.ts";
import type { AuditView } from "../../services/audits/schemas.ts";
import type { FieldErrors } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { AuditFilters, type AuditFilterValues } from "./_filters.tsx";
import { AuditRows } from "./_rows.tsx";

export interface AuditsPageProps {
  values: AuditFilterValues;
  errors?: FieldErrors;
  options: AuditFilterOptions;
  rows: AuditView[];
  /** Each row's resource name, by audit id. */
  names?: Map<string, string>;
  nextUrl: string | null;
  /** The CSV export of the same filters. */
  csvUrl: string;
}

export function AuditsPage({ values, errors, options, rows, names, nextUrl, csvUrl }: AuditsPageProps) {
  const filtered = Object.values(values).some(Boolean);
  return (
    <Layout title="Audit log">
      <div class="audit-head">
        <hgroup>
          <h1>Audit log</h1>
          <p>Every change, sign-in and key, newest first. Entries are append-only and hash-chained.</p>
        </hgroup>
        <a href={csvUrl} role="button" class="secondary outline" download>Export CSV</a>
      </div>
      <AuditFilters values={values} errors={errors} options={options} />
      {rows.length === 0
        ? (
          <article class="audit-empty">
            {errors ? <p>Fix the filters above to see entries.</p> : filtered
              ? (
                <p>
                  No entries match these filters. <a href="/audits">Show all entries</a>
                </p>
              )
              : <p>Nothing has been recorded yet. Changes, sign-ins and API keys will show up here.</p>}
          </article>
        )
        : (
          <div class="overflow-auto">
            <table class="striped audit-table">
              <thead>
                <tr>
                  <th scope="col">Time (UTC)</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Resource</th>
                  <th scope="col">IP</th>
                </tr>
              </thead>
              <tbody id="audit-rows">
                <AuditRows rows={rows} names={names} nextUrl={nextUrl} />
              </tbody>
            </table>
          </div>
        )}
    </Layout>
  );
}
