import type { DeploymentRow } from "../../db/queries/deployments.ts";
import { shortTime } from "../users/format.ts";
import { CommitLink, DeploymentList, StatusBadge } from "./_deployment_rows.tsx";

export interface ProjectDeploymentsPanelProps {
  projectId: string;
  /** The latest deployment of each environment. */
  latest: DeploymentRow[];
  recent: DeploymentRow[];
  more: boolean;
}

/**
 * The project hub's Deployments tab: what runs in each environment now, then
 * the recent deployments as a timeline (live while one is running).
 */
export function ProjectDeploymentsPanel({ projectId, latest, recent, more }: ProjectDeploymentsPanelProps) {
  const listUrl = `/deployments?project_id=${projectId}`;
  return (
    <section id="deployments-panel" aria-label="Deployments">
      <h2>Deployments</h2>
      {latest.length > 0 && (
        <div class="environment-cards">
          {latest.map((d) => (
            <article key={d.environment} class="environment-card">
              <header>
                <strong>{d.environment}</strong> <StatusBadge status={d.status} />
              </header>
              <p>
                <CommitLink d={d} /> {d.ref && <small class="muted">{d.ref}</small>}
              </p>
              <small class="muted">
                <a href={`/deployments/${d.id}`}>
                  <time datetime={d.created_at.toISOString()}>{shortTime(d.created_at)}</time>
                </a>
                {d.actor && <>· {d.actor}</>}
              </small>
            </article>
          ))}
        </div>
      )}
      <DeploymentList
        deployments={recent}
        selfUrl={`/projects/${projectId}/deployments`}
        nextUrl={more ? listUrl : null}
        showProject={false}
        empty="No deployments yet. Report them from CI (POST /api/v1/deployments) or connect GitHub deployment events."
      />
    </section>
  );
}
