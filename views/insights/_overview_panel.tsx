/**
 * The overview's insights panel: the ops score and the top three quick wins.
 * OverviewInsights is the one line the overview page carries; it loads the
 * panel from /ui/insights after the page, so the overview never waits on it.
 */
import type { QuickWinRow } from "../../db/queries/quick_wins.ts";

export function OverviewInsights() {
  return <div hx-get="/ui/insights" hx-trigger="load" hx-swap="outerHTML" aria-busy="true"></div>;
}

export interface OverviewScore {
  label: string;
  score: number | null;
  href: string;
}

/** `canFix`: the fix links lead to set-up pages only staff may use. */
export function InsightsPanel({ score, wins, canFix }: {
  score: OverviewScore | null;
  wins: QuickWinRow[];
  canFix: boolean;
}) {
  return (
    <section class="insights-panel" id="insights-panel">
      <h2>
        <a href="/insights">Insights</a>
      </h2>
      <div class="cards">
        <article class="card">
          <h3>Ops score</h3>
          {score
            ? (
              <p>
                <a href={score.href} class="metric-value" data-testid="overview-score">{score.score ?? "—"}</a>{" "}
                <small class="muted">{score.label}</small>
              </p>
            )
            : <p class="muted">Not computed yet.</p>}
        </article>
        <article class="card">
          <h3>Top quick wins</h3>
          {wins.length === 0 ? <p class="muted">Nothing to fix.</p> : (
            <ol class="top-quick-wins">
              {wins.map((w) => (
                <li key={w.id}>
                  {canFix && w.fix_path ? <a href={w.fix_path}>{w.title}</a> : w.title}{" "}
                  <small class="muted">{w.impact} impact · {w.effort} effort</small>
                </li>
              ))}
            </ol>
          )}
        </article>
      </div>
    </section>
  );
}
