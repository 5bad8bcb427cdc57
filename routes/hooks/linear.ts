/**
 * POST /hooks/linear: the Linear OAuth app's webhook (set its URL and
 * LINEAR_WEBHOOK_SECRET in Linear's app settings). The Linear signature is
 * the authentication (services/integrations/linear/webhook.ts); no cookie is
 * read, so CSRF does not apply.
 */
import { Hono } from "hono";
import { handleLinearWebhook } from "../../services/integrations/linear/webhook.ts";
import type { AppEnv } from "../deps.ts";

export function linearHooks() {
  const app = new Hono<AppEnv>();
  app.post("/hooks/linear", async (c) => {
    const { sql, config, now } = c.get("deps");
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const outcome = await handleLinearWebhook(
      sql,
      config.integrations.linear,
      raw,
      c.req.header("linear-signature") ?? null,
      now(),
    );
    return c.json(outcome, 200);
  });
  return app;
}
