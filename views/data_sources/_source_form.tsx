import { CsrfField, FieldError, type FieldErrors, FormField, invalid } from "../components/form_field.tsx";
import { useContext } from "preact/hooks";
import { PageContext } from "../page_context.ts";
import type { SettingField } from "../../services/data_sources/kinds/settings_fields.ts";

/** The posted form as typed: `name` and `config.<setting>` controls, named by their API path. */
export type SourceFormValues = Record<string, string>;

/** What each kind is, in words, for the picker. */
export const KIND_LABELS: Record<string, string> = {
  postgresql: "PostgreSQL",
  mysql: "MySQL or MariaDB",
  rest_api: "REST API (JSON)",
  csv: "CSV file",
};

function SettingControl(
  { field, values, errors, editing }: {
    field: SettingField;
    values: SourceFormValues;
    errors?: FieldErrors;
    editing: boolean;
  },
) {
  const name = `config.${field.name}`;
  const keep = editing && field.secret ? " (leave empty to keep the stored one)" : "";
  const hint = field.hint && <small>{field.hint}</small>;
  if (field.control === "select") {
    const current = values[name] ?? field.default;
    return (
      <label>
        {field.label}
        <select name={name} {...invalid(name, errors)}>
          {field.options?.map((o) => <option key={o} value={o} selected={current === o}>{o}</option>)}
        </select>
        {hint}
        <FieldError name={name} errors={errors} />
      </label>
    );
  }
  if (field.control === "lines") {
    return (
      <label>
        {field.label}
        {keep}
        <textarea
          name={name}
          rows={3}
          placeholder={field.placeholder}
          autocomplete="off"
          {...invalid(name, errors)}
        >
          {field.secret ? "" : values[name]}
        </textarea>
        <small>One per line, as Name: value. {field.hint}</small>
        <FieldError name={name} errors={errors} />
      </label>
    );
  }
  return (
    <div>
      <FormField
        name={name}
        label={field.label + keep}
        type={field.control}
        value={values[name] ?? field.default}
        errors={errors}
        required={field.required && !(editing && field.secret)}
        placeholder={field.placeholder}
        autocomplete={field.secret ? "new-password" : undefined}
      />
      {hint}
    </div>
  );
}

/**
 * Add or edit a source of one kind: its settings come from the kind's schema (settings_fields.ts). "Test these
 * settings" tries the settings as typed, without saving, and shows the outcome in place.
 */
export function SourceForm(
  { action, kind, fields, values = {}, errors, editing, testable, sourceId, tested }: {
    action: string;
    kind: string;
    fields: SettingField[];
    values?: SourceFormValues;
    errors?: FieldErrors;
    editing: boolean;
    testable: boolean;
    sourceId?: string;
    /** "Test connection" without JavaScript: its outcome. */
    tested?: { ok: boolean; message: string };
  },
) {
  const { csrfToken } = useContext(PageContext);
  return (
    <form method="post" action={action} class="source-form" id="source-form">
      <CsrfField token={csrfToken} />
      <input type="hidden" name="kind" value={kind} />
      {sourceId && <input type="hidden" name="source_id" value={sourceId} />}
      <FormField name="name" label="Name" value={values.name} errors={errors} required maxLength={200} />
      <div class="settings-grid">
        {fields.map((f) => <SettingControl key={f.name} field={f} values={values} errors={errors} editing={editing} />)}
      </div>
      <FieldError name="kind" errors={errors} />
      <FieldError name="config" errors={errors} />
      <SettingsTestResult {...tested} />
      <p class="actions">
        <button type="submit">{editing ? "Save" : `Add ${KIND_LABELS[kind] ?? kind} source`}</button>{" "}
        {testable && (
          <button
            type="submit"
            class="outline"
            formaction="/data-sources/test-settings"
            hx-post="/data-sources/test-settings"
            hx-target="#settings-test"
            hx-swap="outerHTML"
          >
            Test these settings
          </button>
        )}
      </p>
    </form>
  );
}

/** The outcome of testing settings not saved yet. */
export function SettingsTestResult({ ok, message, errors }: { ok?: boolean; message?: string; errors?: FieldErrors }) {
  const problems = Object.entries(errors ?? {});
  return (
    <div id="settings-test" aria-live="polite">
      {ok === true && <p class="ok">Connected: {message}</p>}
      {ok === false && <p role="alert" class="field-error">Could not connect: {message}</p>}
      {problems.length > 0 && (
        <ul role="alert" class="field-error">
          {problems.map(([path, m]) => <li key={path}>{path.replace(/^config\./, "")}: {m}</li>)}
        </ul>
      )}
    </div>
  );
}
