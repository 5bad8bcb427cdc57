import type { ProjectRow } from "../../db/queries/projects.ts";
import type { SowRow } from "../../db/queries/sows.ts";
import { Notice } from "../components/notice.tsx";
import { SowForm, type SowFormProps } from "./_sow_form.tsx";
import { SowTable } from "./_sow_rows.tsx";

export interface DocumentsPanelProps {
  project: ProjectRow;
  sows: SowRow[];
  /** More SOWs exist than are shown (the panel shows the newest 200). */
  more: boolean;
  /** Both false for an archived project: its documents are read-only here. */
  canWrite: boolean;
  canDelete: boolean;
  /** The form's state: a SOW being edited, values and errors of a refused post. */
  form?: Omit<SowFormProps, "projectId">;
  notice?: { kind: "ok" | "error"; text: string };
}

/**
 * The project hub's "Documents" tab: its statements of work and their
 * documents, with the create/edit form. The hub loads it with hx-get; every
 * action here answers with the panel again, swapped in place.
 */
export function DocumentsPanel({ project, sows, more, canWrite, canDelete, form, notice }: DocumentsPanelProps) {
  return (
    <section id="documents-panel" class="catalog-panel" aria-label="Documents">
      <h2>Statements of work</h2>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      {sows.length === 0
        ? (
          <p class="empty-state">
            No statements of work yet.
            {canWrite ? " Add the first one below, with a link to its document or its Google Drive file." : ""}
          </p>
        )
        : <SowTable sows={sows} canWrite={canWrite} canDelete={canDelete} />}
      {more && (
        <p class="muted">
          Showing the newest {sows.length}. The API lists them all:{" "}
          <code>GET /api/v1/sows?project_id={project.id}</code>
        </p>
      )}
      {canWrite && <SowForm projectId={project.id} {...form} />}
      {project.archived_at && <p class="muted">This project is archived: its statements of work are read-only.</p>}
    </section>
  );
}
