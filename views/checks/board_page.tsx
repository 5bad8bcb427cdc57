import type { BoardFilters } from "../../services/checks/board.ts";
import { BOARD_STATUSES } from "../../services/checks/schemas.ts";
import type { NotifyGap } from "../../services/notifications/coverage.ts";
import { Layout } from "../layouts/layout.tsx";
import { NotifyGapList } from "./_notify_gaps.tsx";
import { type BoardProps, CheckBoard } from "./board.tsx";
import { STATUS_LABEL } from "./format.ts";

export interface BoardPageProps {
  board: BoardProps;
  filters: BoardFilters;
  projects: { id: string; name: string }[];
  /** Checks on this page whose going down would reach nobody. */
  gaps?: { id: string; name: string; gap: NotifyGap }[];
}

/** /checks: the status board, filtered by a plain GET form. */
export function BoardPage({ board, filters, projects, gaps = [] }: BoardPageProps) {
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
      <CheckBoard {...board} />
    </Layout>
  );
}
