/** /insights/projects/:id and /insights/clients/:id: the score, its components, the trend and what to fix. */
import type { QuickWinRow } from "../../db/queries/quick_wins.ts";
import { COMPONENTS, TIME_SAVED_ASSUMPTIONS, WEIGHTS } from "../../services/insights/score_formula.ts";
import type { ScorePage } from "../../services/insights/scores.ts";
import { StackedBars } from "../components/svg_chart.tsx";
import { Layout } from "../layouts/layout.tsx";
import { QuickWinsList } from "./_quick_wins_list.tsx";

const LABELS: Record<typeof COMPONENTS[number], [string, string]> = {
  uptime: ["Uptime against target", "% of results up (target 99.9 %)"],
  mtta: ["Time to acknowledge", "minutes, mean"],
  mttr: ["Time to resolve", "minutes, mean"],
  change_failure: ["Change failure rate", "% of finished deployments"],
  deploy_frequency: ["Deploy frequency", "deployments a week"],
  alert_noise: ["Alert noise", "alerts per check a week"],
  coverage: ["Coverage", "% of checks alerting to a working channel"],
};

export function ScoreView({ page, wins, canDecide }: { page: ScorePage; wins: QuickWinRow[]; canDecide: boolean }) {
  const base = `/insights/${page.scope_type}s/${page.scope_id}`;
  const latest = page.latest;
  return (
    <Layout title={`Ops score · ${page.name}`}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/insights">Insights</a>
          </li>
          <li>{page.name}</li>
        </ul>
      </nav>
      <hgroup>
        <h1>
          Ops score · {page.name}
        </h1>
        <p>
          {page.scope_type === "client" ? "Client, all its projects" : "Project"} ·{" "}
          {page.period === "week" ? "weekly" : "monthly"} ·{" "}
          <a href={`${base}?period=${page.period === "week" ? "month" : "week"}`}>
            show {page.period === "week" ? "monthly" : "weekly"}
          </a>
        </p>
      </hgroup>
      {!latest ? <p class="muted">No score yet: the insights worker computes one every 15 minutes.</p> : (
        <>
          <div class="metric-cards">
            <article class="metric-card">
              <header>Score</header>
              <p class="metric-value" data-testid="ops-score">{latest.score ?? "—"}</p>
              <small class="muted">
                {latest.period_start} to {latest.period_end} · formula v{latest.formula_version}
                {latest.final ? "" : " · period still running"}
              </small>
            </article>
            <article class="metric-card">
              <header>Time saved</header>
              <p class="metric-value">{latest.time_saved_hours} h</p>
              <small class="muted">
                {TIME_SAVED_ASSUMPTIONS.held_back_event_minutes} min per alert held back (maintenance, dependency),{" "}
                {TIME_SAVED_ASSUMPTIONS.auto_resolved_alert_minutes} min per alert resolved by itself,{" "}
                {TIME_SAVED_ASSUMPTIONS.digested_notification_minutes} min per notification folded into a digest
              </small>
            </article>
          </div>
          <section>
            <h2>Components</h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Component</th>
                    <th scope="col">Score</th>
                    <th scope="col">Weight</th>
                    <th scope="col">Measured</th>
                  </tr>
                </thead>
                <tbody>
                  {COMPONENTS.map((name) => {
                    const c = latest.components[name];
                    return (
                      <tr key={name}>
                        <th scope="row">{LABELS[name][0]}</th>
                        <td>{c.score ?? "no data"}</td>
                        <td>{WEIGHTS[name]}</td>
                        <td>
                          {c.value ?? "—"} <small class="muted">{LABELS[name][1]}</small>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <p>
              <small class="muted">
                The score is the weighted mean of the components that had data; every formula is in docs/insights.md.
              </small>
            </p>
          </section>
          <section>
            <h2>Trend</h2>
            <StackedBars
              categories={page.history.map((h) => h.period_start)}
              series={[{ label: "Score", values: page.history.map((h) => h.score ?? 0), className: "chart-up" }]}
              summary={`Ops score per ${page.period}: ${
                page.history.map((h) => `${h.period_start} ${h.score ?? "none"}`).join(", ")
              }`}
              height={160}
            />
          </section>
        </>
      )}
      <section>
        <h2>Quick wins</h2>
        <QuickWinsList wins={wins} canDecide={canDecide} back={base} />
      </section>
    </Layout>
  );
}
