import { useContext } from "preact/hooks";
import { CsrfField, type FieldErrors, FormField } from "../components/form_field.tsx";
import { PageContext } from "../page_context.ts";

/** What the form shows: the last submission (strings as typed) or the project being edited. */
export interface ProjectFormValues {
  client_id?: string;
  name?: string;
  slug?: string;
  description?: string;
  repository_url?: string;
  /** Comma-separated. */
  tags?: string;
  environments: { name: string; url: string }[];
}

export interface ProjectFormProps {
  /** The form posts here: /projects for a new project, /projects/{id} for an edit. */
  action: string;
  clients: { id: string; name: string }[];
  values: ProjectFormValues;
  errors?: FieldErrors;
  submitLabel: string;
  cancelHref: string;
}

/** One environment's inputs; `index` ties the row to errors such as `environments.1.url`. */
export function EnvironmentRow(
  { index, env, errors = {} }: { index: number; env: { name: string; url: string }; errors?: FieldErrors },
) {
  const nameError = errors[`environments.${index}.name`];
  const urlError = errors[`environments.${index}.url`];
  // A visible legend names the row for screen readers too ("Environment “production”, group"); a row added in
  // place (index -1) has no name yet.
  const legend = env.name ? `Environment “${env.name}”` : index >= 0 ? `Environment ${index + 1}` : "New environment";
  const errorId = index >= 0 ? `environments-${index}-error` : undefined;
  return (
    <fieldset class="environment-row" aria-describedby={(nameError || urlError) ? errorId : undefined}>
      <legend>{legend}</legend>
      <input
        name="env_name"
        value={env.name}
        placeholder="production"
        aria-label="Environment name"
        maxLength={100}
        aria-invalid={nameError ? "true" : undefined}
      />
      <input
        name="env_url"
        type="url"
        value={env.url}
        placeholder="https://example.com"
        aria-label="Environment URL"
        maxLength={2048}
        aria-invalid={urlError ? "true" : undefined}
      />
      <button
        type="button"
        class="outline secondary"
        aria-label="Remove environment"
        hx-get="/projects/environments/row"
        hx-target="closest fieldset"
        hx-swap="delete"
      >
        ✕
      </button>
      {(nameError || urlError) && (
        <small class="field-error" id={errorId}>
          {[nameError && `Name ${nameError}`, urlError && `URL ${urlError}`].filter(Boolean).join("; ")}
        </small>
      )}
    </fieldset>
  );
}

/**
 * Create and edit, the same zod schema as the API behind both. Environment
 * rows are added by htmx in place; without JavaScript "Add environment"
 * posts the form back with one more empty row, saving nothing.
 */
export function ProjectForm({ action, clients, values, errors = {}, submitLabel, cancelHref }: ProjectFormProps) {
  const { csrfToken } = useContext(PageContext);
  const envError = errors["environments"];
  const editing = action !== "/projects";
  return (
    <form method="post" action={action} class="project-form">
      {!editing && <script src="/static/js/slug.js" defer></script>}
      <CsrfField token={csrfToken} />
      <div class="grid">
        <label>
          Client
          <select
            name="client_id"
            required
            aria-invalid={errors.client_id ? "true" : undefined}
            aria-describedby={errors.client_id ? "client_id-error" : undefined}
          >
            <option value="">Choose a client…</option>
            {clients.map((c) => <option key={c.id} value={c.id} selected={c.id === values.client_id}>{c.name}</option>)}
          </select>
          {errors.client_id && <small id="client_id-error" class="field-error">{errors.client_id}</small>}
        </label>
        <FormField name="name" label="Name" value={values.name} errors={errors} required maxLength={200} />
        <FormField
          name="slug"
          label="Slug"
          value={values.slug}
          errors={errors}
          required={editing}
          maxLength={64}
          placeholder={editing ? "storefront-eu" : "made from the name"}
        />
      </div>
      <label>
        Description (optional)
        <textarea name="description" rows={3} maxLength={5000} aria-invalid={errors.description ? "true" : undefined}>
          {values.description ?? ""}
        </textarea>
        {errors.description && <small class="field-error">{errors.description}</small>}
      </label>
      <div class="grid">
        <FormField
          name="repository_url"
          label="Repository URL (optional)"
          type="url"
          value={values.repository_url}
          errors={errors}
          maxLength={2048}
          placeholder="https://github.com/acme/storefront"
        />
        <FormField
          name="tags"
          label="Tags (comma-separated, optional)"
          value={values.tags}
          errors={errors}
          placeholder="shop, eu"
        />
      </div>
      <fieldset>
        <legend>Environments</legend>
        <div id="environment-rows">
          {values.environments.map((env, i) => <EnvironmentRow key={i} index={i} env={env} errors={errors} />)}
        </div>
        {envError && <small class="field-error">{envError}</small>}
        <button
          type="submit"
          name="_add_environment"
          value="1"
          formnovalidate
          class="outline secondary small"
          hx-get="/projects/environments/row"
          hx-target="#environment-rows"
          hx-swap="beforeend"
        >
          Add environment
        </button>
      </fieldset>
      <div class="form-actions catalog-buttons">
        <button type="submit">{submitLabel}</button>
        <a href={cancelHref} role="button" class="outline secondary">Cancel</a>
      </div>
    </form>
  );
}
