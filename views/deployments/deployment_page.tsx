import type { DeploymentRow } from "../../db/queries/deployments.ts";
import { durationSeconds } from "../../services/deployments/links.ts";
import type { StatusChange } from "../../services/deployments/timeline.ts";
import type { CheckAroundDeployment } from "../../services/checks/around_deployment.ts";
import { Layout } from "../layouts/layout.tsx";
import { ChecksAroundDeployment } from "./_checks_around.tsx";
import { shortTime } from "../users/format.ts";
import { CommitLink, StatusBadge } from "./_deployment_rows.tsx";
import { formatDuration, shortSha, STATUS_LABEL } from "./format.ts";

const at = (date: Date | null) =>
  date ? <time datetime={date.toISOString()}>{shortTime(date)}</time> : <span class="muted">—</span>;

/** The deploy gate in words: "Approved by Alice", "Waiting for approval". */
function approvalText(d: DeploymentRow): string {
  if (d.approval_status === "pending") return "Waiting for approval";
  if (d.approval_status === "expired") return "Approval expired";
  const verb = d.approval_status === "rejected" ? "Rejected" : "Approved";
  return d.approved_by_name ? `${verb} by ${d.approved_by_name}` : verb;
}

const SOURCE: Record<DeploymentRow["source"], string> = { api: "API (CI)", ui: "Opsdeck", github: "GitHub" };

/** /deployments/{id}: the deployment's facts and its status history. */
export function DeploymentPage(
  { d, timeline, checks }: { d: DeploymentRow; timeline: StatusChange[]; checks: CheckAroundDeployment[] },
) {
  return (
    <Layout title={`${shortSha(d.commit_sha)} to ${d.environment} · ${d.project_name}`}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/deployments">Deployments</a>
          </li>
          <li>
            <a href={`/projects/${d.project_id}`}>{d.project_name}</a>
          </li>
        </ul>
      </nav>
      <hgroup>
        <h1>
          {d.project_name} → {d.environment}
        </h1>
        <p>
          <StatusBadge status={d.status} /> Commit <CommitLink d={d} />
          {d.ref && ` on ${d.ref}`}
          {d.actor && ` by ${d.actor}`}
        </p>
      </hgroup>
      <div class="deployment-layout">
        <article>
          <dl class="deployment-facts">
            <dt>Commit</dt>
            <dd>
              <CommitLink d={d} /> <small class="muted">{d.commit_sha}</small>
            </dd>
            {d.commit_message !== null && (
              <>
                <dt>Message</dt>
                <dd>
                  {d.commit_message.split("\n")[0]}
                  {d.commit_author && <small class="muted">by {d.commit_author}</small>}
                </dd>
              </>
            )}
            {d.pr_url && (
              <>
                <dt>Pull request</dt>
                <dd>
                  <a href={d.pr_url} rel="noopener noreferrer" target="_blank">#{d.pr_number} {d.pr_title}</a>
                </dd>
              </>
            )}
            <dt>Started</dt>
            <dd>{at(d.started_at)}</dd>
            <dt>Finished</dt>
            <dd>{at(d.finished_at)}</dd>
            <dt>Duration</dt>
            <dd>{formatDuration(durationSeconds(d))}</dd>
            <dt>Committed</dt>
            <dd>{at(d.committed_at)}</dd>
            <dt>Run</dt>
            <dd>
              {d.url
                ? <a href={d.url} rel="noopener noreferrer" target="_blank">{d.url}</a>
                : <span class="muted">—</span>}
            </dd>
            <dt>Maintenance</dt>
            <dd>
              {d.maintenance_starts_at && d.maintenance_ends_at
                ? (
                  <>
                    {at(d.maintenance_starts_at)} to {at(d.maintenance_ends_at)}
                    <small class="muted">Alerts on {d.environment} are muted in this window</small>
                  </>
                )
                : <span class="muted">none requested</span>}
            </dd>
            {d.approval_id && (
              <>
                <dt>Approval</dt>
                <dd>
                  <a href={`/approvals/${d.approval_id}`}>{approvalText(d)}</a>
                  {d.approval_decided_at && <small class="muted">{at(d.approval_decided_at)}</small>}
                </dd>
              </>
            )}
            <dt>Reported by</dt>
            <dd>
              {SOURCE[d.source]}
              {d.external_id && <small class="muted">GitHub deployment {d.external_id}</small>}
            </dd>
          </dl>
          <ChecksAroundDeployment checks={checks} />
        </article>
        <aside aria-labelledby="deployment-history">
          <h2 id="deployment-history">History</h2>
          {timeline.length === 0 ? <p class="muted">No recorded changes.</p> : (
            <ol class="deployment-timeline">
              {timeline.map((e) => (
                <li key={e.id}>
                  <StatusBadge status={e.to} /> {e.from === null ? "recorded" : `from ${STATUS_LABEL[e.from]}`} by{" "}
                  {e.actor}
                  <small class="muted">{at(e.at)}</small>
                </li>
              ))}
            </ol>
          )}
        </aside>
      </div>
    </Layout>
  );
}
