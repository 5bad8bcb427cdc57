import type { ClientRow } from "../../db/queries/clients.ts";
import { RowActionForm } from "../components/row_action_form.tsx";

/** One client in the list; also the answer to its in-place archive and restore. */
export function ClientTableRow(
  { client: c, canWrite, error }: { client: ClientRow; canWrite: boolean; error?: string },
) {
  const archived = c.archived_at !== null;
  return (
    <tr id={`client-${c.id}`}>
      <td>
        <a href={`/clients/${c.id}`}>
          <strong>{c.name}</strong>
        </a>
        {archived && <span class="tag">archived</span>}
        {error && <small class="field-error" role="alert">{error}</small>}
      </td>
      <td class="catalog-number">
        <a href={`/projects?client_id=${c.id}`}>{c.project_count}</a>
      </td>
      <td class="catalog-actions">
        {canWrite && (
          <RowActionForm
            action={`/clients/${c.id}/${archived ? "restore" : "archive"}`}
            confirm={archived ? undefined : `Archive ${c.name}? It leaves the lists; nothing is deleted.`}
          >
            <button type="submit" class="outline secondary small">{archived ? "Restore" : "Archive"}</button>
          </RowActionForm>
        )}
      </td>
    </tr>
  );
}
