/** /api/v1/insights: ops scores, the league table, quick wins, usage analytics, the activity feed and trail. */
import { createRoute, OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import type { QuickWinRow } from "../../../db/queries/quick_wins.ts";
import type { StoredScore } from "../../../db/queries/insights_scores.ts";
import { userActivity } from "../../../services/insights/activity.ts";
import { activityFeed } from "../../../services/insights/feed.ts";
import { decide, getQuickWinFor, listQuickWinsFor } from "../../../services/insights/quick_wins/quick_wins.ts";
import {
  ActivityQuerySchema,
  ActivitySchema,
  FeedEntrySchema,
  FeedQuerySchema,
  LeagueSchema,
  PeriodQuerySchema,
  QuickWinDecisionSchema,
  QuickWinListQuerySchema,
  QuickWinSchema,
  ScorePageSchema,
  UsageSchema,
} from "../../../services/insights/schemas.ts";
import { clientScore, leagueTable, projectScore, type ScorePage } from "../../../services/insights/scores.ts";
import { usageFor } from "../../../services/insights/usage.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, jsonAnswer, jsonBody, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const tags = ["Insights"];

/** A signed-in GET in the Insights tag; `extra` (request, responses) keeps its types for `c.req.valid`. */
function get<P extends string, E extends Pick<RouteConfig, "responses"> & Partial<Pick<RouteConfig, "request">>>(
  path: P,
  operationId: string,
  summary: string,
  description: string,
  extra: E,
) {
  return createRoute({
    method: "get" as const,
    path,
    operationId,
    security: SIGNED_IN,
    tags,
    summary,
    description,
    ...extra,
  });
}

const projectScoreRoute = get(
  "/api/v1/insights/projects/{id}/score",
  "getProjectOpsScore",
  "A project's ops score with its components and trend",
  "Needs `projects:read`. The latest stored week or month and up to 12 before it, oldest first. Formulas: " +
    "docs/insights.md (each row names its `formula_version`).",
  {
    request: { params: IdParam, query: PeriodQuerySchema },
    responses: { 200: jsonAnswer("The score", ScorePageSchema), ...notFoundResponse },
  },
);

const clientScoreRoute = get(
  "/api/v1/insights/clients/{id}/score",
  "getClientOpsScore",
  "A client's ops score (its projects' inputs summed) with its trend",
  "Needs `projects:read`. Client users may read their own client's only.",
  {
    request: { params: IdParam, query: PeriodQuerySchema },
    responses: { 200: jsonAnswer("The score", ScorePageSchema), ...notFoundResponse },
  },
);

const leagueRoute = get(
  "/api/v1/insights/league",
  "getOpsScoreLeague",
  "Every project's and client's latest score, best first",
  "Needs `projects:read`; client users see their client and its projects only.",
  {
    request: { query: PeriodQuerySchema },
    responses: { 200: jsonAnswer("The league table", LeagueSchema), ...notFoundResponse },
  },
);

const listWinsRoute = get(
  "/api/v1/insights/quick-wins",
  "listQuickWins",
  "Quick wins, best first (high impact, low effort)",
  "Needs `projects:read`. Filter by project or client and status (default: open). Client users see their " +
    "client's projects' quick wins only.",
  {
    request: { query: QuickWinListQuerySchema },
    responses: {
      200: jsonAnswer("Quick wins", z.object({ items: z.array(QuickWinSchema) }).openapi("QuickWinList")),
      ...notFoundResponse,
    },
  },
);

const getWinRoute = get("/api/v1/insights/quick-wins/{id}", "getQuickWin", "One quick win", "Needs `projects:read`.", {
  request: { params: IdParam },
  responses: { 200: jsonAnswer("The quick win", QuickWinSchema), ...notFoundResponse },
});

const decideRoute = createRoute({
  method: "post",
  path: "/api/v1/insights/quick-wins/{id}/decision",
  operationId: "decideQuickWin",
  security: SIGNED_IN,
  tags,
  summary: "Complete, dismiss (with a reason) or re-open a quick win",
  description: "Needs `projects:write`. A dismissed quick win stays dismissed while its condition holds; once " +
    "the condition clears and comes back, it opens again. A completed one the next evaluation still finds opens " +
    "again. Audited as quick_win.complete / dismiss / reopen.",
  request: {
    params: IdParam,
    body: jsonBody(QuickWinDecisionSchema, { status: "dismissed", reason: "Decommissioned next week" }),
  },
  responses: {
    200: jsonAnswer("The quick win after the decision", QuickWinSchema),
    403: problem("Your role cannot change projects"),
    ...notFoundResponse,
  },
});

const usageRoute = get(
  "/api/v1/insights/usage",
  "getUsageAnalytics",
  "Usage analytics per platform for the latest month",
  "Needs `audits:read` (staff). Statuses by the rule in docs/insights.md.",
  { responses: { 200: jsonAnswer("Usage per platform", UsageSchema), ...notFoundResponse } },
);

const feedRoute = get(
  "/api/v1/insights/feed",
  "listActivityLog",
  "The activity feed: audits and events as one timeline, newest first",
  "Needs `projects:read`; audits appear with `audits:read`. Client users see their client's projects' events.",
  {
    request: { query: FeedQuerySchema },
    responses: {
      200: jsonAnswer("Entries", z.object({ items: z.array(FeedEntrySchema) }).openapi("ActivityLog")),
      ...notFoundResponse,
    },
  },
);

const activityRoute = get(
  "/api/v1/insights/activity",
  "getUserActivity",
  "Product activity per user and resource over 30 days",
  "Needs `users:manage` (admins).",
  {
    request: { query: ActivityQuerySchema },
    responses: { 200: jsonAnswer("Activity", ActivitySchema), ...notFoundResponse },
  },
);

export const scoreJson = (s: StoredScore) => ({ ...s, computed_at: s.computed_at.toISOString() });
const pageJson = (p: ScorePage) => ({
  ...p,
  latest: p.latest && scoreJson(p.latest),
  history: p.history.map(scoreJson),
});

export const quickWinJson = (q: QuickWinRow) => ({
  id: q.id,
  rule: q.rule,
  subject_type: q.subject_type,
  subject_id: q.subject_id,
  project_id: q.project_id,
  project_name: q.project_name,
  title: q.title,
  description: q.description,
  category: q.category as z.infer<typeof QuickWinSchema>["category"],
  impact: q.impact as z.infer<typeof QuickWinSchema>["impact"],
  effort: q.effort as z.infer<typeof QuickWinSchema>["effort"],
  estimated_minutes_saved: q.estimated_minutes_saved,
  fix_path: q.fix_path,
  status: q.status,
  dismiss_reason: q.dismiss_reason,
  first_seen_at: q.first_seen_at.toISOString(),
  last_seen_at: q.last_seen_at.toISOString(),
});

export function insightsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/insights/*", signedIn);
  app.openapi(projectScoreRoute, async (c) => {
    const page = await projectScore(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("query").period,
    );
    return c.json(pageJson(page), 200);
  });
  app.openapi(clientScoreRoute, async (c) => {
    const page = await clientScore(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("query").period,
    );
    return c.json(pageJson(page), 200);
  });
  app.openapi(leagueRoute, async (c) => {
    const { period } = c.req.valid("query");
    const rows = await leagueTable(c.get("deps").sql, requirePrincipal(c), period);
    return c.json({
      period,
      rows: rows.map((r) => ({
        scope_type: r.scope_type,
        scope_id: r.scope_id,
        name: r.name,
        client_name: r.client_name,
        score: r.score,
        period_start: r.period_start,
        time_saved_hours: r.time_saved_hours,
      })),
    }, 200);
  });
  app.openapi(listWinsRoute, async (c) => {
    const rows = await listQuickWinsFor(c.get("deps").sql, requirePrincipal(c), c.req.valid("query"));
    return c.json({ items: rows.map(quickWinJson) }, 200);
  });
  app.openapi(getWinRoute, async (c) => {
    return c.json(
      quickWinJson(await getQuickWinFor(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id)),
      200,
    );
  });
  app.openapi(decideRoute, async (c) => {
    const row = await decide(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(quickWinJson(row), 200);
  });
  app.openapi(usageRoute, async (c) => c.json(await usageFor(c.get("deps").sql, requirePrincipal(c)), 200));
  app.openapi(feedRoute, async (c) => {
    return c.json({ items: await activityFeed(c.get("deps").sql, requirePrincipal(c), c.req.valid("query")) }, 200);
  });
  app.openapi(activityRoute, async (c) => {
    const { sql, now } = c.get("deps");
    return c.json(await userActivity(sql, requirePrincipal(c), c.req.valid("query"), now()), 200);
  });
  return app;
}
