/** /insights: the league table, the quick wins, usage per platform (staff), and links to the feed and activity. */
import type { LeagueRow } from "../../db/queries/insights_scores.ts";
import type { QuickWinRow } from "../../db/queries/quick_wins.ts";
import type { UsageRow } from "../../db/queries/usage_analytics.ts";
import { Layout } from "../layouts/layout.tsx";
import { QuickWinsList } from "./_quick_wins_list.tsx";

const USAGE_BADGE = {
  optimal: "badge-up",
  moderate: "badge-degraded",
  underutilized: "badge-closed",
  needs_attention: "badge-down",
} as const;

export function InsightsPage({ period, league, wins, usage, canDecide, showActivity }: {
  period: "week" | "month";
  league: LeagueRow[];
  wins: QuickWinRow[];
  usage: UsageRow[] | null;
  canDecide: boolean;
  showActivity: boolean;
}) {
  return (
    <Layout title="Insights">
      <hgroup>
        <h1>Insights</h1>
        <p>
          How healthy operations are, what to fix first, and what goes unused ·{" "}
          <a href="/insights/feed">activity feed</a>
          {showActivity && (
            <>
              {" · "}
              <a href="/insights/activity">product activity</a>
            </>
          )}
        </p>
      </hgroup>
      <section>
        <h2>League table</h2>
        <p>
          {period === "week" ? "This week" : "This month"} ·{" "}
          <a href={`/insights?period=${period === "week" ? "month" : "week"}`}>
            show {period === "week" ? "monthly" : "weekly"}
          </a>
        </p>
        {league.length === 0
          ? <p class="muted">No scores yet: the insights worker computes them every 15 minutes.</p>
          : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Name</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Score</th>
                    <th scope="col">Time saved</th>
                  </tr>
                </thead>
                <tbody>
                  {league.map((r, i) => (
                    <tr key={`${r.scope_type}:${r.scope_id}`}>
                      <td>{i + 1}</td>
                      <td>
                        <a href={`/insights/${r.scope_type}s/${r.scope_id}?period=${period}`}>{r.name}</a>
                        {r.client_name && <small class="muted">· {r.client_name}</small>}
                      </td>
                      <td>{r.scope_type}</td>
                      <td>{r.score ?? "—"}</td>
                      <td>{r.time_saved_hours} h</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </section>
      <section>
        <h2>Quick wins</h2>
        <QuickWinsList wins={wins} canDecide={canDecide} back="/insights" />
      </section>
      {usage && (
        <section>
          <h2 id="usage-heading">Usage by platform</h2>
          <div class="table-wrap">
            {/* Nothing in it takes focus, and on a phone it scrolls sideways: focusable, so a keyboard can scroll it. */}
            <table tabIndex={0} aria-labelledby="usage-heading">
              <thead>
                <tr>
                  <th scope="col">Platform</th>
                  <th scope="col">Used</th>
                  <th scope="col">Status</th>
                  <th scope="col">Configured / active / failing</th>
                </tr>
              </thead>
              <tbody>
                {usage.map((u) => (
                  <tr key={u.platform}>
                    <th scope="row">{u.platform.replace("_", " ")}</th>
                    <td>{u.usage_percentage} %</td>
                    <td>
                      <span class={`badge ${USAGE_BADGE[u.status]}`}>{u.status.replace("_", " ")}</span>
                    </td>
                    <td>{u.configured} / {u.active} / {u.failing}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </Layout>
  );
}
