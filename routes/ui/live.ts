/**
 * GET /ui/live: the live pages' server-sent-events stream (static/js/live.js
 * opens it and re-fetches the page's own partials when told). Signed-in
 * sessions only; a process without the hub, or with all its streams in use,
 * answers 503 and the page keeps polling (docs/scaling.md).
 */
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { principalFromSession } from "../../services/auth/sessions.ts";
import { openLiveStream } from "../../services/live/stream.ts";
import type { AppEnv } from "../deps.ts";
import { requirePrincipal, sessionCookieName } from "../middleware/auth.ts";

export function liveRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/ui/live", (c) => {
    const principal = requirePrincipal(c);
    const { sql, now, live } = c.get("deps");
    const token = getCookie(c, sessionCookieName(c)) ?? c.req.header("Authorization")?.slice("Bearer ".length);
    if (!principal.sessionId || !token) return c.text("Live pages are for signed-in sessions.", 403);
    const body = live && openLiveStream({
      hub: live,
      tenantId: principal.tenantId,
      clientId: principal.clientId,
      sessionId: principal.sessionId,
      ...live.timing,
      // The same session, still in the tenant and client the stream was opened for (a moved user reconnects).
      stillSignedIn: async () => {
        const current = await principalFromSession(sql, token, now());
        return current !== undefined && current.sessionId === principal.sessionId &&
          current.tenantId === principal.tenantId && current.clientId === principal.clientId;
      },
    });
    if (!body) return c.text("No live stream now; the page polls.", 503, { "Retry-After": "60" });
    return new Response(body, {
      headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no" },
    });
  });
  return app;
}
