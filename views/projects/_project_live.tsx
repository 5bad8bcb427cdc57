/**
 * The project hub's live strip: health of its checks, open alerts and the
 * latest deployment per environment. It asks for itself again every few
 * seconds (htmx polling of GET /projects/{id}/live, outerHTML swap of this
 * element only), like a check page's live part; it sits above the tabs, so a
 * tab click does not reset it and the poll does not touch the open tab.
 * Rendered without data (pages of other modules), it loads itself at once.
 */
import type { ProjectLive } from "../../services/projects/live.ts";
import { StatusDot } from "../checks/board.tsx";
import { STATUS_LABEL } from "../checks/format.ts";
import { DEPLOYMENT_BADGE, shortSha, STATUS_LABEL as DEPLOY_LABEL } from "../deployments/format.ts";
import { shortTime } from "../users/format.ts";
import { liveAttrs } from "../components/live.ts";

/** How often the hub re-reads its live strip (the check page's pace). */
export const PROJECT_POLL_SECONDS = 10;

const SHOWN = ["down", "degraded", "flapping", "up", "unknown", "paused"] as const;
const SEVERITIES = ["critical", "warning", "info"] as const;

export function ProjectLiveStrip({ projectId, live }: { projectId: string; live?: ProjectLive }) {
  return (
    <div
      id="project-live"
      class="project-live"
      hx-get={`/projects/${projectId}/live`}
      {...liveAttrs(["checks", "alerts", "deployments"], PROJECT_POLL_SECONDS, { load: !live })}
      hx-swap="outerHTML"
      aria-live="polite"
    >
      {live && <LiveParts projectId={projectId} live={live} />}
    </div>
  );
}

function LiveParts({ projectId, live }: { projectId: string; live: ProjectLive }) {
  const { checks, alerts, deployments } = live;
  const checkTotal = checks ? SHOWN.reduce((n, s) => n + checks[s], 0) : 0;
  const openAlerts = alerts ? SEVERITIES.reduce((n, s) => n + alerts[s], 0) : 0;
  return (
    <>
      {checks && (
        <section aria-labelledby="live-health">
          <h2 id="live-health" class="live-label">Health</h2>
          {checkTotal === 0
            ? <a href={`/projects/${projectId}/health`}>No checks yet</a>
            : (
              <a href={`/projects/${projectId}/health`} class="live-counts">
                {SHOWN.filter((s) => checks[s] > 0).map((s) => (
                  <span key={s} class="live-count" data-status={s}>
                    <StatusDot status={s} /> {checks[s]} {STATUS_LABEL[s].toLowerCase()}
                  </span>
                ))}
              </a>
            )}
        </section>
      )}
      {alerts && (
        <section aria-labelledby="live-alerts">
          <h2 id="live-alerts" class="live-label">Open alerts</h2>
          <a href={`/projects/${projectId}/alerts`} class="live-counts" data-open-alerts={openAlerts}>
            {openAlerts === 0
              ? "None"
              : SEVERITIES.filter((s) => alerts[s] > 0).map((s) => (
                <span key={s} class="live-count">{alerts[s]} {s}</span>
              ))}
          </a>
        </section>
      )}
      {deployments && (
        <section aria-labelledby="live-deployments">
          <h2 id="live-deployments" class="live-label">Latest deployments</h2>
          {deployments.length === 0 ? <span class="muted">None yet</span> : (
            <ul class="live-deployments">
              {deployments.map((d) => (
                <li key={d.id}>
                  <a href={`/deployments/${d.id}`}>{d.environment}</a>{" "}
                  <span class={`badge ${DEPLOYMENT_BADGE[d.status]}`}>{DEPLOY_LABEL[d.status]}</span>{" "}
                  <code>{shortSha(d.commit_sha)}</code>{" "}
                  <time datetime={d.created_at.toISOString()} class="muted">{shortTime(d.created_at)}</time>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </>
  );
}
