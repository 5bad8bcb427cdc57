import { useContext } from "preact/hooks";
import type { DriveDocument } from "../../db/queries/drive_documents.ts";
import type { SowRow } from "../../db/queries/sows.ts";
import { driveUrl } from "../../services/sows/documents.ts";
import { CsrfField } from "../components/form_field.tsx";
import { PageContext } from "../page_context.ts";
import { DriveDocumentFacts } from "./drive_document.tsx";
import { money, period, SOW_STATUS_BADGE } from "./format.ts";

export interface SowTableProps {
  sows: SowRow[];
  canWrite: boolean;
  canDelete: boolean;
}

/** A project's SOWs with their documents; edits load the form, deletes re-render the panel. */
export function SowTable({ sows, canWrite, canDelete }: SowTableProps) {
  return (
    <div class="table-wrap">
      <table class="striped catalog-table">
        <thead>
          <tr>
            <th scope="col">Statement of work</th>
            <th scope="col">Status</th>
            <th scope="col">Period</th>
            <th scope="col">Value</th>
            <th scope="col">Documents</th>
            {(canWrite || canDelete) && (
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody id="sow-rows">
          {sows.map((s) => <SowTableRow key={s.id} sow={s} canWrite={canWrite} canDelete={canDelete} />)}
        </tbody>
      </table>
    </div>
  );
}

function SowTableRow({ sow: s, canWrite, canDelete }: { sow: SowRow; canWrite: boolean; canDelete: boolean }) {
  const { csrfToken } = useContext(PageContext);
  const drive = driveUrl(s.drive_id);
  return (
    <tr id={`sow-${s.id}`}>
      <td>
        <strong>{s.name}</strong>
        {s.signed_on && <small class="muted">Signed {s.signed_on}</small>}
        {s.change_request_count > 0 && (
          <small class="muted">
            {s.change_request_count} change request{s.change_request_count === 1 ? "" : "s"}
          </small>
        )}
      </td>
      <td>
        <span class={`badge ${SOW_STATUS_BADGE[s.status]}`}>{s.status}</span>
      </td>
      <td>{period(s.starts_on, s.ends_on) ?? <span class="muted">—</span>}</td>
      <td class="catalog-number">{money(s.value, s.currency) ?? <span class="muted">—</span>}</td>
      <td>
        <DocumentLinks documentUrl={s.document_url} driveUrl={drive} drive={s.drive_document} label={s.name} />
      </td>
      {(canWrite || canDelete) && (
        <td class="catalog-actions">
          {canWrite && (
            <a
              href={`/sows/${s.id}/edit`}
              hx-get={`/sows/${s.id}/edit`}
              hx-target="#sow-form"
              hx-swap="outerHTML"
              role="button"
              class="outline small"
              aria-label={`Edit ${s.name}`}
            >
              Edit
            </a>
          )}
          {canDelete && s.status === "draft" && s.change_request_count === 0 && (
            <form
              method="post"
              action={`/sows/${s.id}/delete`}
              hx-post={`/sows/${s.id}/delete`}
              hx-target="#documents-panel"
              hx-swap="outerHTML"
              hx-confirm={`Delete the draft “${s.name}”? This cannot be undone.`}
              class="inline-form"
            >
              <CsrfField token={csrfToken} />
              <button type="submit" class="outline secondary small" aria-label={`Delete ${s.name}`}>Delete</button>
            </form>
          )}
        </td>
      )}
    </tr>
  );
}

/** Only http(s) links become hrefs, whatever reached the database by other roads than the API. */
const webLink = (url: string | null) => (url && /^https?:\/\//i.test(url) ? url : null);

/** The document link and the Drive file (as last read), each opening in a new tab; a dash when there are none. */
export function DocumentLinks({ documentUrl: raw, driveUrl, drive, label }: {
  documentUrl: string | null;
  driveUrl: string | null;
  drive: DriveDocument | null;
  label: string;
}) {
  const documentUrl = webLink(raw);
  if (!documentUrl && !driveUrl) return <span class="muted">—</span>;
  return (
    <span class="catalog-links">
      {documentUrl && (
        <a href={documentUrl} target="_blank" rel="noopener noreferrer" aria-label={`Document of ${label}`}>
          Document ↗
        </a>
      )}
      {driveUrl && <DriveDocumentFacts doc={drive} fallbackUrl={driveUrl} label={label} />}
    </span>
  );
}
