import { useContext } from "preact/hooks";
import { CsrfField, FieldError, type FieldErrors, FormField, invalid } from "../components/form_field.tsx";
import { PageContext } from "../page_context.ts";

/** The form as typed, for showing it back after a refusal. */
export type PageFormValues = Record<string, string>;

/** A status page's settings: create and edit share it. */
export function PageSettingsForm({ action, clients, values = {}, errors, submit = "Create page" }: {
  action: string;
  clients: { id: string; name: string }[];
  values?: PageFormValues;
  errors?: FieldErrors;
  submit?: string;
}) {
  const { csrfToken } = useContext(PageContext);
  const box = (name: string, label: string, dflt: boolean) => (
    <label>
      <input type="checkbox" name={name} value="on" checked={values[name] ? values[name] === "on" : dflt} /> {label}
    </label>
  );
  return (
    <form method="post" action={action}>
      <CsrfField token={csrfToken} />
      <div class="grid">
        <FormField name="title" label="Title" value={values.title} errors={errors} required maxLength={200} />
        <FormField
          name="slug"
          label="Address: /status/…"
          value={values.slug}
          errors={errors}
          required
          placeholder="acme"
        />
      </div>
      <label>
        For
        <select name="client_id" {...invalid("client_id", errors)}>
          <option value="">Everyone (tenant-wide)</option>
          {clients.map((c) => <option key={c.id} value={c.id} selected={values.client_id === c.id}>{c.name}</option>)}
        </select>
        <FieldError name="client_id" errors={errors} />
      </label>
      <FormField name="description" label="Description" value={values.description} errors={errors} maxLength={2000} />
      <div class="grid">
        <FormField name="logo_url" label="Logo (https:// address)" value={values.logo_url} errors={errors} />
        <FormField
          name="custom_domain"
          label="Custom domain (optional)"
          value={values.custom_domain}
          errors={errors}
          placeholder="status.acme.example"
        />
      </div>
      <fieldset>
        {box("published", "Published (anyone with the address can see it)", false)}
        {box("show_maintenance", "Show scheduled maintenance", true)}
        {box("show_response_times", "Show response-time sparklines", false)}
      </fieldset>
      <button type="submit">{submit}</button>
    </form>
  );
}
