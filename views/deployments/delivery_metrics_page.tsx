import type { DeliveryMetrics } from "../../services/delivery_metrics/schemas.ts";
import { WINDOWS } from "../../services/delivery_metrics/schemas.ts";
import { StackedBars } from "../components/svg_chart.tsx";
import { Layout } from "../layouts/layout.tsx";
import { formatDuration } from "./format.ts";

export interface DeliveryMetricsPageProps {
  metrics: DeliveryMetrics;
  projects: { id: string; name: string }[];
}

const percent = (rate: number | null) => rate === null ? "—" : `${(rate * 100).toFixed(1)} %`;
const seconds = (s: number | null) => formatDuration(s === null ? null : Math.round(s));

function Stat({ title, value, detail }: { title: string; value: string; detail: string }) {
  return (
    <article class="metric-card">
      <header>{title}</header>
      <p class="metric-value">{value}</p>
      <small class="muted">{detail}</small>
    </article>
  );
}

/** /delivery-metrics: the four DORA figures, a daily chart, and (organisation-wide) the projects compared. */
export function DeliveryMetricsPage({ metrics: m, projects }: DeliveryMetricsPageProps) {
  const link = (days: number) => {
    const q = new URLSearchParams({
      ...(m.project_id ? { project_id: m.project_id } : {}),
      ...(m.environment ? { environment: m.environment } : {}),
      days: String(days),
    });
    return `/delivery-metrics?${q}`;
  };
  const projectName = projects.find((p) => p.id === m.project_id)?.name;
  return (
    <Layout title="Delivery metrics">
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/deployments">Deployments</a>
          </li>
          <li>Delivery metrics</li>
        </ul>
      </nav>
      <hgroup>
        <h1>Delivery metrics</h1>
        <p>
          {projectName ?? "All projects"}
          {m.environment && ` · ${m.environment}`} · the last {m.days} days
        </p>
      </hgroup>
      <form method="get" action="/delivery-metrics" class="deployment-filters">
        <label>
          Project
          <select name="project_id">
            <option value="">All projects</option>
            {projects.map((p) => <option key={p.id} value={p.id} selected={p.id === m.project_id}>{p.name}</option>)}
          </select>
        </label>
        <label>
          Environment
          <input type="text" name="environment" value={m.environment ?? ""} placeholder="All (e.g. production)" />
        </label>
        <input type="hidden" name="days" value={String(m.days)} />
        <button type="submit" class="small">Show</button>
      </form>
      <nav class="tabs" aria-label="Window">
        {WINDOWS.map((days) => (
          <a key={days} href={link(days)} aria-current={m.days === days ? "page" : undefined}>{days} days</a>
        ))}
      </nav>
      <div class="metric-cards">
        <Stat
          title="Deployment frequency"
          value={`${m.deployment_frequency.per_day} / day`}
          detail={`${m.change_failure_rate.finished} finished deployments, ${m.deployment_frequency.deployments} went out`}
        />
        <Stat
          title="Lead time for changes"
          value={seconds(m.lead_time_for_changes.median_seconds)}
          detail={m.lead_time_for_changes.samples
            ? `median of ${m.lead_time_for_changes.samples}; p90 ${seconds(m.lead_time_for_changes.p90_seconds)}`
            : "CI sends committed_at to measure this"}
        />
        <Stat
          title="Change failure rate"
          value={percent(m.change_failure_rate.rate)}
          detail={`${m.change_failure_rate.failures} of ${m.change_failure_rate.finished} failed or rolled back`}
        />
        <Stat
          title="Time to restore"
          value={seconds(m.time_to_restore.median_seconds)}
          detail={m.time_to_restore.samples
            ? `median of ${m.time_to_restore.samples} restores`
            : "no failure followed by a success"}
        />
      </div>
      <section aria-labelledby="daily-heading">
        <h2 id="daily-heading">Deployments per day</h2>
        <StackedBars
          categories={m.daily.map((d) => d.day)}
          series={[
            { label: "succeeded", values: m.daily.map((d) => d.succeeded), className: "chart-up" },
            { label: "failed or rolled back", values: m.daily.map((d) => d.failed), className: "chart-down" },
          ]}
          summary={`${m.change_failure_rate.finished} finished deployments and ${m.change_failure_rate.failures} failed or rolled back over ${m.days} days`}
        />
        <p class="chart-legend">
          <span class="legend-up">succeeded</span> <span class="legend-down">failed or rolled back</span>
        </p>
      </section>
      {m.projects.length > 0 && (
        <section aria-labelledby="projects-heading">
          <h2 id="projects-heading">By project</h2>
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Project</th>
                <th scope="col">Deployments</th>
                <th scope="col">Change failure rate</th>
              </tr>
            </thead>
            <tbody>
              {m.projects.map((p) => (
                <tr key={p.project_id}>
                  <td>
                    <a href={`/delivery-metrics?project_id=${p.project_id}&days=${m.days}`}>{p.project_name}</a>
                  </td>
                  <td>{p.deployments}</td>
                  <td>{percent(p.finished ? p.failures / p.finished : null)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <p class="muted">
        A deployment went out when it succeeded or was later rolled back; frequency counts those. Change failure rate
        counts failed and rolled-back deployments among the finished ones (alerts raised after a deployment are not
        counted). The chart shows every finished deployment. Time to restore runs from a failure to the next success in
        the same environment.
      </p>
    </Layout>
  );
}
