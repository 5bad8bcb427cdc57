import { CsrfField, FieldError, type FieldErrors, FormField, invalid } from "../components/form_field.tsx";
import { useContext } from "preact/hooks";
import { PageContext } from "../page_context.ts";

/** The form's fields, named by their API path so the API's field errors land next to them. */
export interface SourceFormValues {
  name?: string;
  host?: string;
  port?: string;
  database?: string;
  user?: string;
  ssl?: string;
  timeout_seconds?: string;
  row_limit?: string;
}

/** Add or edit a PostgreSQL source; on edit an empty password keeps the stored one. */
export function SourceForm(
  { action, values = {}, errors, editing }: {
    action: string;
    values?: SourceFormValues;
    errors?: FieldErrors;
    editing: boolean;
  },
) {
  const { csrfToken } = useContext(PageContext);
  return (
    <form method="post" action={action} class="source-form">
      <CsrfField token={csrfToken} />
      <input type="hidden" name="kind" value="postgresql" />
      <FormField name="name" label="Name" value={values.name} errors={errors} required maxLength={200} />
      <div class="grid">
        <FormField name="config.host" label="Host" value={values.host} errors={errors} required />
        <FormField name="config.port" label="Port" type="number" value={values.port ?? "5432"} errors={errors} />
      </div>
      <div class="grid">
        <FormField name="config.database" label="Database" value={values.database} errors={errors} required />
        <FormField name="config.user" label="User" value={values.user} errors={errors} required />
      </div>
      <FormField
        name="config.password"
        label={editing ? "Password (leave empty to keep the stored one)" : "Password"}
        type="password"
        errors={errors}
        autocomplete="new-password"
      />
      <label>
        TLS
        <select name="config.ssl" {...invalid("config.ssl", errors)}>
          {["prefer", "require", "verify-full", "disable"].map((mode) => (
            <option key={mode} value={mode} selected={(values.ssl ?? "prefer") === mode}>{mode}</option>
          ))}
        </select>
        <FieldError name="config.ssl" errors={errors} />
      </label>
      <div class="grid">
        <FormField
          name="config.timeout_seconds"
          label="Statement timeout (seconds, at most 60)"
          type="number"
          value={values.timeout_seconds ?? "10"}
          errors={errors}
        />
        <FormField
          name="config.row_limit"
          label="Row limit"
          type="number"
          value={values.row_limit ?? "10000"}
          errors={errors}
        />
      </div>
      <FieldError name="kind" errors={errors} />
      <button type="submit">{editing ? "Save" : "Add data source"}</button>
    </form>
  );
}
