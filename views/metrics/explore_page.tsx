import { type ExploreView, RANGES } from "../../services/metrics/explore.ts";
import { AGGREGATIONS } from "../../services/metrics/schemas.ts";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { formatValue, MetricChart } from "./metric_chart.tsx";

const STEPS = ["", "1m", "5m", "15m", "1h", "6h", "1d"];

/**
 * The picker, chart and bucket table: the whole page's body and the htmx
 * fragment. Without JavaScript the form is a plain GET; with htmx any change
 * swaps this block and keeps the URL shareable.
 */
export function Explorer({ view: v }: { view: ExploreView }) {
  const r = v.result;
  return (
    <div id="explore">
      <form
        method="get"
        action="/explore"
        class="explore-form"
        hx-get="/explore"
        hx-trigger="change"
        hx-target="#explore"
        hx-swap="outerHTML"
        hx-push-url="true"
      >
        <label>
          Project
          <select name="project_id">
            {v.projects.map((p) => <option key={p.id} value={p.id} selected={p.id === v.projectId}>{p.name}</option>)}
          </select>
        </label>
        <label>
          Series
          <select name="series" disabled={!v.types.length}>
            {v.types.map((t) => {
              const key = t.check_id ? `${t.type}:${t.check_id}` : t.type;
              return <option key={key} value={key} selected={key === v.series}>{t.label}</option>;
            })}
          </select>
        </label>
        <label>
          Range
          <select name="range">
            {Object.keys(RANGES).map((name) => (
              <option key={name} value={name} selected={name === v.range}>{name}</option>
            ))}
          </select>
        </label>
        <label>
          Step
          <select name="step">
            {STEPS.map((s) => <option key={s} value={s} selected={s === v.step}>{s || "auto"}</option>)}
          </select>
        </label>
        <label>
          Aggregate
          <select name="agg">
            {AGGREGATIONS.map((a) => <option key={a} value={a} selected={a === v.agg}>{a}</option>)}
          </select>
        </label>
        <button type="submit" class="small">Show</button>
      </form>
      {v.error && <Notice kind="error">{v.error}</Notice>}
      {!v.projects.length && <p class="empty-state">No projects yet: metrics hang off a project.</p>}
      {v.projects.length > 0 && !v.types.length && (
        <div class="empty-state">
          <p>No metrics for this project yet. Send some with the API:</p>
          <pre><code>{`curl -X POST $OPSDECK/api/v1/metrics -H "Authorization: Bearer $KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"points":[{"project_id":"${v.projectId}","type":"queue.depth","value":17}]}'`}</code></pre>
        </div>
      )}
      {r && (
        <>
          <p class="muted">
            {r.agg} per {r.step}, {new Date(r.from).toISOString().slice(0, 16).replace("T", " ")} to{" "}
            {new Date(r.to).toISOString().slice(0, 16).replace("T", " ")} UTC
            <span class="chart-legend">
              <span class="legend-avg">{r.agg}</span>
              {r.agg !== "count" && <span class="legend-range">min–max</span>}
              <span class="legend-deploy">deployment</span>
              <span class="legend-band">maintenance</span>
            </span>
          </p>
          <MetricChart series={r} deployments={v.deployments} maintenance={v.maintenance} />
          {r.buckets.length === 0 ? <p class="empty-state">No data in this range: try a longer one.</p> : (
            <details>
              <summary>Buckets ({r.buckets.length})</summary>
              <table class="metric-buckets">
                <thead>
                  <tr>
                    <th>Start (UTC)</th>
                    <th>count</th>
                    <th>avg</th>
                    <th>min</th>
                    <th>max</th>
                    <th>p95</th>
                  </tr>
                </thead>
                <tbody>
                  {[...r.buckets].reverse().map((b) => (
                    <tr key={b.start}>
                      <td>{b.start.slice(0, 16).replace("T", " ")}</td>
                      <td>{b.count}</td>
                      <td>{formatValue(b.avg)}</td>
                      <td>{formatValue(b.min)}</td>
                      <td>{formatValue(b.max)}</td>
                      <td>{formatValue(b.p95)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
        </>
      )}
    </div>
  );
}

export function ExplorePage({ view }: { view: ExploreView }) {
  return (
    <Layout title="Metrics">
      <hgroup>
        <h1>Metrics</h1>
        <p>
          Points sent to <code>POST /api/v1/metrics</code> and check latencies, with deployments and{" "}
          <a href="/maintenance">maintenance windows</a> marked.
        </p>
      </hgroup>
      <Explorer view={view} />
    </Layout>
  );
}
