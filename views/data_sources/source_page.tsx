import { useContext } from "preact/hooks";
import type { DataSourceRow, SchemaColumnRow } from "../../db/queries/data_sources.ts";
import type { SavedQueryRow } from "../../db/queries/saved_queries.ts";
import { CsrfField, type FieldErrors } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { SchemaBrowser } from "./_schema.tsx";
import { CsvFile, sourceWhere } from "./_csv_file.tsx";
import { SourceForm, type SourceFormValues } from "./_source_form.tsx";
import { SourceStatus } from "./_status.tsx";
import type { SettingField } from "../../services/data_sources/kinds/settings_fields.ts";
import { QueryShapes } from "./_shapes.tsx";

export interface SourcePageProps {
  row: DataSourceRow;
  columns: SchemaColumnRow[];
  queries: SavedQueryRow[];
  timeZone: string | null;
  canWrite: boolean;
  canDelete: boolean;
  /** The source kind's settings (settings_fields.ts) and whether they can be tested. */
  settings: { fields: SettingField[]; testable: boolean };
  /** What the kind takes: SQL (the builder applies), or the built-in source's query shapes. */
  queries_as: "sql" | "json_path" | "shapes";
  values?: SourceFormValues;
  errors?: FieldErrors;
  tested?: { ok: boolean; message: string };
  /** A test or schema read that failed without JavaScript: its message. */
  notice?: string;
}

/** One source: status and "Test connection", the schema browser, its saved queries, its settings. */
export function SourcePage(props: SourcePageProps) {
  const { row, timeZone, canWrite } = props;
  const shapes = props.queries_as === "shapes";
  const { csrfToken } = useContext(PageContext);
  const action = (path: string, target: string, label: string) => (
    <form
      method="post"
      action={`/data-sources/${row.id}/${path}`}
      hx-post={`/data-sources/${row.id}/${path}`}
      hx-target={target}
      hx-swap="outerHTML"
      class="inline-form"
    >
      <CsrfField token={csrfToken} />
      <button type="submit" class="outline">{label}</button>
    </form>
  );
  return (
    <Layout title={`${row.name} · Data sources`}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/data-sources">Data sources</a>
          </li>
          <li>{row.name}</li>
        </ul>
      </nav>
      <hgroup>
        <h1>{row.name}</h1>
        <p>
          {row.kind} · {sourceWhere(row)}
        </p>
      </hgroup>
      {props.notice && <p role="alert" class="field-error">{props.notice}</p>}
      <section>
        <SourceStatus row={row} timeZone={timeZone} />
        {canWrite && (
          <p class="actions">
            {action("test", "#source-status", "Test connection")}{" "}
            {!shapes && action("introspect", "#schema-browser", "Read schema")}
          </p>
        )}
      </section>
      {shapes
        ? (
          <section>
            <h2>Query shapes</h2>
            <QueryShapes />
          </section>
        )
        : (
          <section>
            <h2>Schema</h2>
            <SchemaBrowser columns={props.columns} lastSync={row.last_sync} timeZone={timeZone} />
          </section>
        )}
      <section>
        <h2>Saved queries</h2>
        {props.queries.length === 0 ? <p class="empty-state">No saved queries on this source yet.</p> : (
          <ul>
            {props.queries.map((q) => (
              <li key={q.id}>
                <a href={`/queries/${q.id}`}>{q.name}</a> {q.is_public ? "" : <small>(private)</small>}
              </li>
            ))}
          </ul>
        )}
        {canWrite && <a href={`/queries/new?source=${row.id}`} role="button" class="outline">New query</a>}{" "}
        {canWrite && props.queries_as === "sql" && (
          <a href={`/data-sources/${row.id}/builder`} role="button" class="outline">Build a query</a>
        )}
      </section>
      {canWrite && row.kind === "csv" && <CsvFile row={row} csrfToken={csrfToken} errors={props.errors} />}
      {canWrite && (
        <section>
          <h2>Settings</h2>
          <SourceForm
            action={`/data-sources/${row.id}`}
            kind={row.kind}
            fields={props.settings.fields}
            values={props.values}
            errors={props.errors}
            editing
            testable={props.settings.testable}
            sourceId={row.id}
            tested={props.tested}
          />
        </section>
      )}
      {props.canDelete && !shapes && (
        <form method="post" action={`/data-sources/${row.id}/delete`}>
          <CsrfField token={csrfToken} />
          <button type="submit" class="secondary">Delete this source and its saved queries</button>
        </form>
      )}
    </Layout>
  );
}
