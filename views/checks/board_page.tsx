import type { BoardFilters } from "../../services/checks/board.ts";
import { BOARD_STATUSES } from "../../services/checks/schemas.ts";
import type { NotifyGap } from "../../services/notifications/coverage.ts";
import { useContext } from "preact/hooks";
import { can } from "../../services/auth/permissions.ts";
import { CsrfField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { NotifyGapList } from "./_notify_gaps.tsx";
import { type BoardProps, CheckBoard } from "./board.tsx";
import { STATUS_LABEL } from "./format.ts";

export interface BoardPageProps {
  board: BoardProps;
  filters: BoardFilters;
  projects: { id: string; name: string }[];
  /** Environment names across the reader's projects, for the filter. */
  environments?: string[];
  /** Checks on this page whose going down would reach nobody. */
  gaps?: { id: string; name: string; gap: NotifyGap }[];
  /** What the last bulk action did (from its redirect's query). */
  bulk?: { action: string; done: number; refused: number };
}

const BULK_DONE: Record<string, string> = { pause: "paused", resume: "resumed", delete: "deleted" };

/** Bulk actions on the rows ticked on the board (their checkboxes name this form). */
function BulkForm({ canDelete }: { canDelete: boolean }) {
  const { csrfToken } = useContext(PageContext);
  return (
    <form id="bulk-form" method="post" action="/checks/bulk" class="bulk-actions">
      <CsrfField token={csrfToken} />
      <span class="muted">With the ticked checks:</span>
      <button type="submit" name="action" value="pause" class="secondary outline small">Pause</button>
      <button type="submit" name="action" value="resume" class="secondary outline small">Resume</button>
      {canDelete && <button type="submit" name="action" value="delete" class="contrast outline small">Delete</button>}
    </form>
  );
}

/** /checks: the status board, filtered by a plain GET form. */
export function BoardPage({ board, filters, projects, environments = [], gaps = [], bulk }: BoardPageProps) {
  const { principal } = useContext(PageContext);
  return (
    <Layout title="Checks">
      <div class="page-head">
        <hgroup>
          <h1>Checks</h1>
          <p>
            Every project's health checks, live. <a href="/maintenance">Maintenance windows</a>
            {" · "}
            <a href="/docs#/Health%20checks">API</a>
          </p>
        </hgroup>
        {board.canWrite && <a href="/checks/new" role="button">New check</a>}
      </div>
      <form method="get" action="/checks" class="board-filters" role="search">
        <label>
          Project
          <select name="project_id">
            <option value="">All projects</option>
            {projects.map((p) => (
              <option key={p.id} value={p.id} selected={p.id === filters.project_id}>{p.name}</option>
            ))}
          </select>
        </label>
        {environments.length > 0 && (
          <label>
            Environment
            <select name="environment">
              <option value="">Any environment</option>
              {environments.map((e) => (
                <option key={e} value={e} selected={e === filters.environment?.toLowerCase()}>{e}</option>
              ))}
            </select>
          </label>
        )}
        <label>
          Status
          <select name="status">
            <option value="">Any status</option>
            {BOARD_STATUSES.map((s) => (
              <option key={s} value={s} selected={s === filters.status}>{STATUS_LABEL[s]}</option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      <NotifyGapList gaps={gaps.slice(0, 10)} more={Math.max(0, gaps.length - 10)} />
      {bulk?.action === "none" && <Notice kind="error">Tick at least one check first.</Notice>}
      {bulk && bulk.action !== "none" && (
        <Notice kind={bulk.refused ? "error" : "ok"}>
          {bulk.done} check{bulk.done === 1 ? "" : "s"} {BULK_DONE[bulk.action] ?? "changed"}
          {bulk.refused ? `; ${bulk.refused} refused (gone, or not yours to change)` : ""}.
        </Notice>
      )}
      {board.selectable && <BulkForm canDelete={Boolean(principal && can(principal, "health_checks", "delete"))} />}
      <CheckBoard {...board} />
    </Layout>
  );
}
