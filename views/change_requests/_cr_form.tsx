import { useContext } from "preact/hooks";
import { type ChangeRequestRow, PRIORITIES } from "../../db/queries/change_requests.ts";
import type { SowRow } from "../../db/queries/sows.ts";
import { CsrfField, FieldError, type FieldErrors, FormField, invalid, SelectField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { PageContext } from "../page_context.ts";

export const CR_FIELDS = ["title", "description", "priority", "document_url", "drive_id", "sow_id"] as const;
export type ChangeRequestValues = Partial<Record<typeof CR_FIELDS[number], string>>;

export function changeRequestValues(cr: ChangeRequestRow): ChangeRequestValues {
  return Object.fromEntries(CR_FIELDS.map((f) => [f, cr[f] ?? ""]));
}

export interface ChangeRequestFormProps {
  projectId: string;
  /** Set when editing (on the request's page): a plain post to the request. */
  cr?: ChangeRequestRow;
  /** The project's SOWs a request may fall under; the picker shows only when there are some. */
  sows: Pick<SowRow, "id" | "name">[];
  values?: ChangeRequestValues;
  errors?: FieldErrors;
  error?: string;
}

/** File (in the project's tab, swapped in place by htmx) or edit (on the request's page) a change request. */
export function ChangeRequestForm({ projectId, cr, sows, values, errors = {}, error }: ChangeRequestFormProps) {
  const { csrfToken } = useContext(PageContext);
  const v = values ?? (cr ? changeRequestValues(cr) : { priority: "normal" });
  const action = cr ? `/change-requests/${cr.id}` : `/projects/${projectId}/change-requests`;
  const htmx = cr ? {} : { "hx-post": action, "hx-target": "#change-requests-panel", "hx-swap": "outerHTML" };
  return (
    <form id="cr-form" method="post" action={action} {...htmx} class="catalog-form" novalidate>
      {!cr && <h3>File a change request</h3>}
      {error && <Notice kind="error">{error}</Notice>}
      <CsrfField token={csrfToken} />
      <div class="grid">
        <FormField name="title" label="Title" value={v.title} errors={errors} required maxLength={200} />
        <SelectField name="priority" label="Priority" errors={errors}>
          {PRIORITIES.map((p) => <option key={p} value={p} selected={(v.priority || "normal") === p}>{p}</option>)}
        </SelectField>
      </div>
      <label>
        What should change, and why (optional)
        <textarea name="description" rows={4} maxLength={20000} {...invalid("description", errors)}>
          {v.description}
        </textarea>
        <FieldError name="description" errors={errors} />
      </label>
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
        {sows.length > 0 && (
          <SelectField name="sow_id" label="Statement of work (optional)" errors={errors}>
            <option value="" selected={!v.sow_id}>None</option>
            {sows.map((s) => <option key={s.id} value={s.id} selected={v.sow_id === s.id}>{s.name}</option>)}
          </SelectField>
        )}
      </div>
      <button type="submit">{cr ? "Save changes" : "File change request"}</button>
    </form>
  );
}
