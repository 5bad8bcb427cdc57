/** Insights pages: the league and quick wins, score pages per project and client, the feed, activity, the overview panel. */
import { Hono } from "hono";
import { can } from "../../services/auth/permissions.ts";
import { userActivity } from "../../services/insights/activity.ts";
import { activityFeed } from "../../services/insights/feed.ts";
import { decide, listQuickWinsFor } from "../../services/insights/quick_wins/quick_wins.ts";
import {
  ActivityQuerySchema,
  FeedQuerySchema,
  PeriodQuerySchema,
  QuickWinDecisionSchema,
} from "../../services/insights/schemas.ts";
import { clientScore, leagueTable, projectScore } from "../../services/insights/scores.ts";
import { usageFor } from "../../services/insights/usage.ts";
import { ActivityPage } from "../../views/insights/activity_page.tsx";
import { FeedPage } from "../../views/insights/feed_page.tsx";
import { InsightsPage } from "../../views/insights/insights_page.tsx";
import { InsightsPanel, type OverviewScore } from "../../views/insights/_overview_panel.tsx";
import { ScoreView } from "../../views/insights/score_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formFields, idParam, parseForm } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, requireUserPage } from "../render.ts";
import { safeNext } from "../safe_next.ts";

/** A hand-edited bad query falls back to the defaults rather than an error page. */
const orDefault = <T,>(
  schema: { safeParse(v: unknown): { success: boolean; data?: T }; parse(v: unknown): T },
  q: unknown,
) => {
  const parsed = schema.safeParse(q);
  return parsed.success ? parsed.data as T : schema.parse({});
};

export function insightsPages() {
  const app = new Hono<AppEnv>();

  app.get("/insights", async (c) => {
    const principal = requireUserPage(c);
    const { sql } = c.get("deps");
    const { period } = orDefault(PeriodQuerySchema, c.req.query());
    const [league, wins, usage] = await Promise.all([
      leagueTable(sql, principal, period),
      listQuickWinsFor(sql, principal, { status: "open", limit: 50 }),
      can(principal, "audits", "read") ? usageFor(sql, principal).then((u) => u.platforms) : Promise.resolve(null),
    ]);
    return html(
      c,
      <InsightsPage
        period={period}
        league={league}
        wins={wins}
        usage={usage}
        canDecide={can(principal, "projects", "write")}
        showActivity={can(principal, "users", "manage")}
      />,
    );
  });

  for (const scope of ["projects", "clients"] as const) {
    app.get(`/insights/${scope}/:id`, async (c) => {
      const principal = requireUserPage(c);
      const { sql } = c.get("deps");
      const id = idParam(c, "Not found");
      const { period } = orDefault(PeriodQuerySchema, c.req.query());
      const page = scope === "projects"
        ? await projectScore(sql, principal, id, period)
        : await clientScore(sql, principal, id, period);
      const wins = await listQuickWinsFor(sql, principal, {
        status: "open",
        limit: 50,
        ...(scope === "projects" ? { project_id: id } : { client_id: id }),
      });
      return html(c, <ScoreView page={page} wins={wins} canDecide={can(principal, "projects", "write")} />);
    });
  }

  app.post("/insights/quick-wins/:id/decision", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "Quick win not found");
    const form = await formFields(c);
    const decision = parseForm(QuickWinDecisionSchema, {
      status: form.status,
      ...(form.reason ? { reason: form.reason } : {}),
    });
    await decide(c.get("deps").sql, principal, id, decision, auditContext(c));
    return c.redirect(safeNext(form.back || "/insights"), 303);
  });

  app.get("/insights/feed", async (c) => {
    const principal = requireUserPage(c);
    const query = orDefault(FeedQuerySchema, c.req.query());
    const entries = await activityFeed(c.get("deps").sql, principal, query);
    return html(c, <FeedPage entries={entries} query={query} />);
  });

  app.get("/insights/activity", async (c) => {
    const principal = requireUserPage(c);
    const { sql, now } = c.get("deps");
    const query = orDefault(ActivityQuerySchema, c.req.query());
    return html(c, <ActivityPage data={await userActivity(sql, principal, query, now())} query={query} />);
  });

  app.get("/ui/insights", async (c) => {
    const principal = requireUserPage(c);
    if (!can(principal, "projects", "read")) return c.body(null, 204);
    const { sql } = c.get("deps");
    const [league, wins] = await Promise.all([
      leagueTable(sql, principal, "week"),
      listQuickWinsFor(sql, principal, { status: "open", limit: 3 }),
    ]);
    return html(
      c,
      <InsightsPanel
        score={overviewScore(league, principal.clientId)}
        wins={wins}
        canFix={can(principal, "projects", "write")}
      />,
      200,
      {
        fragment: true,
      },
    );
  });
  return app;
}

/** A client user's own client's score; for staff, the mean of the clients' latest weekly scores. */
function overviewScore(league: Awaited<ReturnType<typeof leagueTable>>, clientId: string | null): OverviewScore | null {
  const clients = league.filter((r) => r.scope_type === "client");
  if (clientId) {
    const own = clients.find((r) => r.scope_id === clientId);
    return own
      ? { label: `${own.name}, this week`, score: own.score, href: `/insights/clients/${own.scope_id}` }
      : null;
  }
  const scored = clients.filter((r) => r.score !== null);
  if (scored.length === 0) return null;
  const mean = Math.round(scored.reduce((s, r) => s + r.score!, 0) / scored.length);
  return { label: `this week, mean of ${scored.length} clients`, score: mean, href: "/insights" };
}
