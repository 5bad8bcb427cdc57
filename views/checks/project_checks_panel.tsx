import type { BoardProps } from "./board.tsx";
import { CheckBoard } from "./board.tsx";

/** The project hub's Health tab: the board narrowed to one project, with a way to add a check to it. */
export function ProjectChecksPanel({ projectId, board }: { projectId: string; board: BoardProps }) {
  return (
    <div class="project-checks">
      <p>
        <a href={`/checks?project_id=${projectId}`}>On the status board</a>
        {board.canWrite && (
          <>
            {" · "}
            <a href={`/checks/new?project_id=${projectId}`}>New check for this project</a>
          </>
        )}
      </p>
      <CheckBoard {...board} />
    </div>
  );
}
