import type { ChangeRequestRow, ChangeRequestStatus } from "../../db/queries/change_requests.ts";
import type { ProjectRow } from "../../db/queries/projects.ts";
import { Notice } from "../components/notice.tsx";
import { ChangeRequestForm, type ChangeRequestFormProps } from "./_cr_form.tsx";
import { ChangeRequestTableRow } from "./_cr_row.tsx";

const FILTERS: [ChangeRequestStatus | "", string][] = [
  ["", "All"],
  ["pending", "Pending"],
  ["approved", "Approved"],
  ["rejected", "Rejected"],
  ["completed", "Completed"],
];

export interface ChangeRequestsPanelProps {
  project: ProjectRow;
  changeRequests: ChangeRequestRow[];
  status?: ChangeRequestStatus;
  nextCursor: string | null;
  /** May file requests here (client users too); false on an archived project. */
  canFile: boolean;
  canDecide: boolean;
  /** The filing form's state and the project's SOWs for its picker. */
  form: Omit<ChangeRequestFormProps, "projectId">;
  notice?: { kind: "ok" | "error"; text: string };
}

/**
 * The project hub's "Change requests" tab: the requests with their status and
 * priority, decisions in place for those who may decide, and the form to
 * file one. Filters, paging and filing all answer with this panel again.
 */
export function ChangeRequestsPanel(props: ChangeRequestsPanelProps) {
  const { project, changeRequests, status, nextCursor, canFile, canDecide, form, notice } = props;
  const base = `/projects/${project.id}/change-requests`;
  const link = (query: Record<string, string>) => {
    const search = new URLSearchParams(query).toString();
    const url = search ? `${base}?${search}` : base;
    return { href: url, "hx-get": url, "hx-target": "#change-requests-panel", "hx-swap": "outerHTML" };
  };
  return (
    <section id="change-requests-panel" class="catalog-panel" aria-label="Change requests">
      <h2>Change requests</h2>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      <nav class="tabs cr-filters" aria-label="Filter by status">
        {FILTERS.map(([value, label]) => (
          <a
            key={value}
            {...link(value ? { status: value } : {})}
            aria-current={(status ?? "") === value ? "page" : undefined}
          >
            {label}
          </a>
        ))}
      </nav>
      {changeRequests.length === 0
        ? (
          <p class="empty-state">
            {status ? `No ${status} change requests.` : "No change requests yet."}
            {canFile && !status ? " File the first one below." : ""}
          </p>
        )
        : (
          <div class="table-wrap">
            <table class="striped catalog-table">
              <thead>
                <tr>
                  <th scope="col">Request</th>
                  <th scope="col">Priority</th>
                  <th scope="col">Status</th>
                  <th scope="col">Requested by</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody id="cr-rows">
                {changeRequests.map((cr) => <ChangeRequestTableRow key={cr.id} cr={cr} canDecide={canDecide} />)}
              </tbody>
            </table>
          </div>
        )}
      {nextCursor && (
        <p>
          <a {...link({ ...(status ? { status } : {}), cursor: nextCursor })}>Older requests →</a>
        </p>
      )}
      {canFile && <ChangeRequestForm projectId={project.id} {...form} />}
      {project.archived_at && <p class="muted">This project is archived: no new change requests can be filed.</p>}
    </section>
  );
}
