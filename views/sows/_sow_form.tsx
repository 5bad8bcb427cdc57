import { useContext } from "preact/hooks";
import { SOW_STATUSES, type SowRow } from "../../db/queries/sows.ts";
import { CsrfField, type FieldErrors, FormField, SelectField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { PageContext } from "../page_context.ts";

export const SOW_FIELDS = [
  "name",
  "status",
  "document_url",
  "drive_id",
  "signed_on",
  "starts_on",
  "ends_on",
  "value",
  "currency",
] as const;
export type SowValues = Partial<Record<typeof SOW_FIELDS[number], string>>;

/** A SOW's fields as the form shows them (empty for unset). */
export function sowValues(sow: SowRow): SowValues {
  return Object.fromEntries(SOW_FIELDS.map((f) => [f, sow[f] ?? ""]));
}

export interface SowFormProps {
  projectId: string;
  /** Set when editing; the form then posts to the SOW and offers only forward statuses. */
  sow?: SowRow;
  values?: SowValues;
  errors?: FieldErrors;
  /** A refusal no single field is to blame for (a status going backwards). */
  error?: string;
}

/** Create or edit a SOW; htmx re-renders the whole documents panel with the answer. */
export function SowForm({ projectId, sow, values, errors = {}, error }: SowFormProps) {
  const { csrfToken } = useContext(PageContext);
  const v = values ?? (sow ? sowValues(sow) : {});
  const action = sow ? `/sows/${sow.id}` : `/projects/${projectId}/sows`;
  const statuses = sow ? SOW_STATUSES.slice(SOW_STATUSES.indexOf(sow.status)) : SOW_STATUSES;
  return (
    <form
      id="sow-form"
      method="post"
      action={action}
      hx-post={action}
      hx-target="#documents-panel"
      hx-swap="outerHTML"
      class="catalog-form"
      novalidate
    >
      <h3>{sow ? `Edit “${sow.name}”` : "New statement of work"}</h3>
      {error && <Notice kind="error">{error}</Notice>}
      <CsrfField token={csrfToken} />
      <div class="grid">
        <FormField name="name" label="Name" value={v.name} errors={errors} required maxLength={200} />
        <SelectField name="status" label="Status" errors={errors}>
          {statuses.map((s) => <option key={s} value={s} selected={(v.status || "draft") === s}>{s}</option>)}
        </SelectField>
      </div>
      <div class="grid">
        <FormField
          name="document_url"
          label="Document link (optional)"
          type="url"
          value={v.document_url}
          errors={errors}
          placeholder="https://…"
        />
        <FormField name="drive_id" label="Google Drive file id (optional)" value={v.drive_id} errors={errors} />
      </div>
      <div class="grid">
        <FormField name="signed_on" label="Signed on" type="date" value={v.signed_on} errors={errors} />
        <FormField name="starts_on" label="Starts on" type="date" value={v.starts_on} errors={errors} />
        <FormField name="ends_on" label="Ends on" type="date" value={v.ends_on} errors={errors} />
      </div>
      <div class="grid">
        <FormField name="value" label="Value (optional)" value={v.value} errors={errors} placeholder="12500.00" />
        <FormField name="currency" label="Currency" value={v.currency} errors={errors} placeholder="EUR" />
      </div>
      <div class="form-actions">
        <button type="submit">{sow ? "Save SOW" : "Add SOW"}</button>
        {sow && (
          <a
            href={`/projects/${projectId}/documents`}
            hx-get={`/projects/${projectId}/documents`}
            hx-target="#documents-panel"
            hx-swap="outerHTML"
            role="button"
            class="secondary outline"
          >
            Cancel
          </a>
        )}
      </div>
    </form>
  );
}
