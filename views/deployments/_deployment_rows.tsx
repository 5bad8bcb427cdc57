import type { DeploymentRow } from "../../db/queries/deployments.ts";
import { commitUrl, durationSeconds } from "../../services/deployments/links.ts";
import { ACTIVE } from "../../services/deployments/transitions.ts";
import { shortTime } from "../users/format.ts";
import { DEPLOYMENT_BADGE, formatDuration, shortSha, STATUS_LABEL } from "./format.ts";
import { liveAttrs } from "../components/live.ts";

/** How often the list re-reads itself while a deployment is still running. */
export const POLL_SECONDS = 5;

export function StatusBadge({ status }: { status: DeploymentRow["status"] }) {
  return <span class={`badge ${DEPLOYMENT_BADGE[status]}`}>{STATUS_LABEL[status]}</span>;
}

/** The commit, linked to the repository's page for it when the project has a repository URL. */
export function CommitLink({ d }: { d: DeploymentRow }) {
  const href = commitUrl(d.repository_url, d.commit_sha);
  const sha = <code title={d.commit_sha}>{shortSha(d.commit_sha)}</code>;
  return href
    ? (
      <a href={href} class="commit-link" rel="noopener noreferrer" target="_blank">
        {sha}
      </a>
    )
    : sha;
}

export interface DeploymentListProps {
  deployments: DeploymentRow[];
  /** The list's own address with its filters, for polling and the next page. */
  selfUrl: string;
  nextUrl: string | null;
  /** Show the project column (false inside a project's tab). */
  showProject: boolean;
  /** What to say when there is nothing. */
  empty: string;
}

/**
 * The deployments table. While any shown deployment is queued or running it
 * asks for itself again when told of a change (views/components/live.ts), so
 * statuses change in place; once all are finished it renders without the
 * trigger and stops.
 */
export function DeploymentList({ deployments, selfUrl, nextUrl, showProject, empty }: DeploymentListProps) {
  const live = deployments.some((d) => ACTIVE.includes(d.status));
  const poll = live
    ? {
      "hx-get": selfUrl,
      ...liveAttrs(["deployments"], POLL_SECONDS),
      "hx-swap": "outerHTML",
      "hx-select": "#deployment-list",
    }
    : {};
  return (
    <div id="deployment-list" {...poll} aria-live="polite">
      {deployments.length === 0 ? <p class="empty-state">{empty}</p> : (
        <div class="table-wrap">
          <table class="striped deployments-table">
            <thead>
              <tr>
                {showProject && <th scope="col">Project</th>}
                <th scope="col">Environment</th>
                <th scope="col">Status</th>
                <th scope="col">Commit</th>
                <th scope="col">By</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {deployments.map((d) => <DeploymentTableRow key={d.id} d={d} showProject={showProject} />)}
            </tbody>
          </table>
        </div>
      )}
      {nextUrl && (
        <p>
          <a href={nextUrl}>Older deployments →</a>
        </p>
      )}
    </div>
  );
}

function DeploymentTableRow({ d, showProject }: { d: DeploymentRow; showProject: boolean }) {
  const when = d.started_at ?? d.created_at;
  return (
    <tr id={`deployment-${d.id}`}>
      {showProject && (
        <td>
          <a href={`/projects/${d.project_id}`}>{d.project_name}</a>
        </td>
      )}
      <td>{d.environment}</td>
      <td>
        <a href={`/deployments/${d.id}`} aria-label={`Deployment ${shortSha(d.commit_sha)} to ${d.environment}`}>
          <StatusBadge status={d.status} />
        </a>
      </td>
      <td>
        <CommitLink d={d} />
        {d.ref && <small class="muted">{d.ref}</small>}
      </td>
      <td>{d.actor ?? <span class="muted">—</span>}</td>
      <td>
        <a href={`/deployments/${d.id}`}>
          <time datetime={when.toISOString()}>{shortTime(when)}</time>
        </a>
      </td>
      <td>{formatDuration(durationSeconds(d))}</td>
    </tr>
  );
}
