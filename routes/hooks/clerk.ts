/**
 * POST /hooks/clerk/{tenant slug}: Clerk's user webhooks. No session or API
 * key: the Svix signature is the authentication (services/user_sync/clerk.ts).
 * Like the GitHub and Slack hooks, no cookie is read, so CSRF does not apply.
 */
import { Hono } from "hono";
import { handleClerkWebhook } from "../../services/user_sync/clerk.ts";
import type { AppEnv } from "../deps.ts";
import { auditContext } from "../middleware/auth.ts";

export function clerkHooks() {
  const app = new Hono<AppEnv>();
  app.post("/hooks/clerk/:tenant", async (c) => {
    const { sql, secret, config, now } = c.get("deps");
    const { ip, userAgent } = auditContext(c);
    const outcome = await handleClerkWebhook({ sql, secret, previousSecrets: config.previousSecrets, now }, {
      tenantSlug: c.req.param("tenant"),
      rawBody: await c.req.text(),
      headers: {
        id: c.req.header("svix-id"),
        timestamp: c.req.header("svix-timestamp"),
        signature: c.req.header("svix-signature"),
      },
      ip,
      userAgent,
    });
    return c.json(outcome, 200);
  });
  return app;
}
