/**
 * The heartbeat push endpoint, Healthchecks.io style: a cron job or script
 * calls `/api/v1/heartbeats/{token}` when it succeeds, `/start` when it
 * begins and `/fail` when it fails. No API key and no CSRF token: the token
 * in the URL is the secret (only its SHA-256 is stored, found by one unique
 * index lookup). GET, HEAD and POST all count; a POST body (first 10 KB) is
 * kept as the result's detail, e.g. the job's last log lines.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { receivePing } from "../../../services/checks/heartbeats.ts";
import { NotFoundError } from "../../../services/platform/errors.ts";
import type { AppEnv } from "../../deps.ts";
import { problem, PUBLIC } from "../openapi_shared.ts";

type PingKind = "success" | "start" | "fail";

/** How much of a POST body is kept: enough for a log tail, small enough to store with every ping. */
export const PING_BODY_MAX = 10_000;

const TokenParam = z.object({
  token: z.string().max(200).openapi({
    param: { name: "token", in: "path" },
    example: "hb_3q2x9Vf0uLkT7mZcYw1e4RjP8sDnA6bG",
  }),
});

const SUFFIX: Record<PingKind, string> = { success: "", start: "/start", fail: "/fail" };

/** Every ping URL the routes below answer (routes/request_path.ts's ping lane takes these). */
export const PING_PATH = new RegExp(
  `^/api/v1/heartbeats/[^/]+(${Object.values(SUFFIX).filter(Boolean).join("|")})?$`,
);
const TEXT: Record<PingKind, { summary: string; description: string }> = {
  success: {
    summary: "Heartbeat: the job succeeded",
    description: "Marks the check up (or down when a run measured from `/start` is outside the check's duration " +
      "bounds) and sets the next deadline: the period, or the next cron time, plus the grace.",
  },
  start: {
    summary: "Heartbeat: the job started",
    description: "Records the start so the run's duration can be measured at the success ping; changes no status.",
  },
  fail: { summary: "Heartbeat: the job failed", description: "Marks the check down at once." },
};

const pingRoute = (kind: PingKind, method: "get" | "post") =>
  createRoute({
    method,
    path: `/api/v1/heartbeats/{token}${SUFFIX[kind]}`,
    operationId: `${method === "get" ? "ping" : "report"}Heartbeat${kind[0].toUpperCase()}${kind.slice(1)}`,
    tags: ["Heartbeats"],
    ...TEXT[kind],
    description: TEXT[kind].description + " No authentication: the token is the secret." +
      (method === "post" ? ` A body (first ${PING_BODY_MAX} characters) is kept with the result.` : " HEAD works too."),
    security: PUBLIC,
    request: {
      params: TokenParam,
      ...(method === "post"
        ? {
          body: {
            required: false,
            content: { "text/plain": { schema: z.string().openapi({ example: "backup ok" }) } },
          },
        }
        : {}),
    },
    responses: {
      200: { description: "Recorded", content: { "text/plain": { schema: z.string().openapi({ example: "OK" }) } } },
      404: problem("No check has this token (or it was rotated)"),
    },
  });

export function heartbeatsApi() {
  const app = new OpenAPIHono<AppEnv>();
  for (const kind of ["success", "start", "fail"] as const) {
    for (const method of ["get", "post"] as const) {
      app.openapi(pingRoute(kind, method), async (c) => {
        const { sql, now } = c.get("deps");
        const body = method === "post" ? (await c.req.text()).slice(0, PING_BODY_MAX) || undefined : undefined;
        const { found } = await receivePing(sql, { token: c.req.valid("param").token, kind, now: now(), body });
        if (!found) throw new NotFoundError("No health check has this ping token");
        c.header("Cache-Control", "no-store");
        return c.text("OK", 200);
      });
    }
  }
  return app;
}
