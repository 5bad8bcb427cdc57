/**
 * POST /slack/interactions: Slack's button callbacks. No session or API key:
 * the request signature is the authentication (services/slack/interactions.ts).
 * Slack sends no Origin header, so the CSRF middleware lets it through as it
 * does /hooks/github; nothing here reads a cookie.
 */
import { Hono } from "hono";
import { handleSlackInteraction } from "../../services/slack/interactions.ts";
import type { AppEnv } from "../deps.ts";
import { auditContext } from "../middleware/auth.ts";

export function slackInteractionHooks() {
  const app = new Hono<AppEnv>();
  app.post("/slack/interactions", async (c) => {
    const { sql, config, secret, now } = c.get("deps");
    const { ip, userAgent } = auditContext(c);
    const reply = await handleSlackInteraction({ sql, config, secret, now }, {
      rawBody: await c.req.text(),
      timestamp: c.req.header("X-Slack-Request-Timestamp"),
      signature: c.req.header("X-Slack-Signature"),
      ip,
      userAgent,
    });
    return c.json(reply, 200);
  });
  return app;
}
