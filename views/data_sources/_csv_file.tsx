import type { DataSourceRow } from "../../db/queries/data_sources.ts";
import { CSV_TYPES } from "../../services/data_sources/kinds/csv/parse.ts";
import { CsrfField, FieldError, type FieldErrors, invalid } from "../components/form_field.tsx";

/** A csv source's file: upload with progress (static/js/csv_upload.js), then each column's type, editable. */
export function CsvFile({ row, csrfToken, errors }: { row: DataSourceRow; csrfToken?: string; errors?: FieldErrors }) {
  const columns = (row.config.columns ?? []) as { name: string; type: string }[];
  return (
    <section>
      <h2>File</h2>
      <form id="csv-upload" data-url={`/api/v1/data-sources/${row.id}/csv`} data-csrf={csrfToken}>
        <label>
          CSV file (UTF-8, header row first, at most 50 MB; replaces the current table)
          <input type="file" name="file" accept=".csv,text/csv" required />
        </label>
        <progress value="0" max="100" hidden aria-label="Upload progress" />
        <p role="status" aria-live="polite"></p>
        <button type="submit">Upload</button>
      </form>
      <script src="/static/js/csv_upload.js" defer></script>
      {columns.length > 0 && (
        <form method="post" action={`/data-sources/${row.id}/csv-types`}>
          <CsrfField token={csrfToken} />
          <FieldError name="types" errors={errors} />
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Column</th>
                  <th scope="col">Type (inferred; change it if it is wrong)</th>
                </tr>
              </thead>
              <tbody>
                {columns.map((c) => (
                  <tr key={c.name}>
                    <td>
                      <code>{c.name}</code>
                    </td>
                    <td>
                      <select
                        name={`types.${c.name}`}
                        aria-label={`Type of ${c.name}`}
                        {...invalid(`types.${c.name}`, errors)}
                      >
                        {CSV_TYPES.map((t) => <option key={t} value={t} selected={t === c.type}>{t}</option>)}
                      </select>
                      <FieldError name={`types.${c.name}`} errors={errors} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <button type="submit" class="outline">Save types</button>
        </form>
      )}
    </section>
  );
}

/** Where a source reads from, in a few words. */
export function sourceWhere(row: DataSourceRow): string {
  const c = row.config;
  if (row.kind === "csv") return c.rows === undefined ? "no file yet" : `${c.rows} rows from an uploaded file`;
  if (row.kind === "rest_api") return String(c.url);
  if (row.kind === "opsdeck") return "built in: this organization's checks, uptime, deployments, alerts and metrics";
  return `${c.user}@${c.host}:${c.port}/${c.database}`;
}
