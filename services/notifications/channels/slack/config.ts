/**
 * Slack settings, one of three: a workspace the Slack app was installed into
 * by OAuth (Integrations) and a channel; a pasted bot token and a channel
 * (both: buttons, edits); or an incoming-webhook URL (post only). The pasted
 * token or the URL is the channel's secret; an installed workspace's token
 * stays sealed on its integration.
 */
import { z } from "@hono/zod-openapi";
import type { Sql } from "../../../../db/client.ts";
import { getIntegration } from "../../../../db/queries/integrations.ts";
import type { Config } from "../../../platform/config.ts";
import { checkTarget, httpUrl } from "../http.ts";
import { fail, hint, secretHint, type SplitConfig, type StoredChannel } from "../kind.ts";

/** What is stored and shown of a Slack channel's settings. */
export const SlackStoredSchema = z.object({
  mode: z.enum(["app", "bot", "webhook"]).openapi({
    description: "app: an installed workspace's token; bot: a pasted bot token; webhook: an incoming webhook",
  }),
  channel: z.string().optional().openapi({ example: "C0123456789" }),
  integration_id: z.uuid().optional().openapi({ description: "app: the installed Slack workspace (an integration)" }),
  workspace: z.string().optional().openapi({ description: "app: the workspace's name", example: "Acme Ops" }),
  secret_hint: secretHint().openapi({ example: "xoxb-…abcd" }),
});

export const SlackConfigSchema = z.strictObject({
  integration_id: z.uuid("must be the id of an installed Slack workspace").optional().openapi({
    description: "An installed Slack workspace (an integration of platform slack) whose token posts, instead of " +
      "bot_token",
  }),
  bot_token: z.string().trim().regex(/^xox[bp]-[A-Za-z0-9-]{8,250}$/, "must be a Slack bot token (xoxb-…)")
    .optional().openapi({ description: "Secret: stored encrypted, never returned", example: "xoxb-1234-5678-abcd" }),
  channel: z.string().trim().regex(/^#?[A-Za-z0-9._-]{1,80}$/, "must be a channel id (C0123…) or #name").optional()
    .openapi({ description: "Where the bot posts; invite the bot to it", example: "C0123456789" }),
  webhook_url: httpUrl("the incoming webhook").optional().openapi({
    description: "Secret: an incoming-webhook URL (no buttons, no edits); stored encrypted, never returned",
    example: "https://hooks.slack.com/services/T000/B000/XXXX",
  }),
}).openapi("SlackChannelConfig");

export async function splitSlack(
  c: z.infer<typeof SlackConfigSchema>,
  existing: StoredChannel | undefined,
  config: Config,
): Promise<SplitConfig> {
  const was = existing?.hasSecret ? existing.config.mode : undefined;
  const app = c.integration_id ??
    (existing?.config.mode === "app" && !c.bot_token && !c.webhook_url
      ? String(existing.config.integration_id)
      : undefined);
  if (app) {
    if (c.bot_token || c.webhook_url) {
      fail("config.integration_id", "Pick an installed workspace or paste a bot token or webhook URL, not both");
    }
    const channel = c.channel ?? (existing?.config.mode === "app" ? existing.config.channel : undefined);
    if (!channel) fail("config.channel", "Which channel should the app post to?");
    // No secret of its own: a pasted token kept from before is dropped.
    return { config: { mode: "app", integration_id: app, channel }, secret: null };
  }
  if (c.webhook_url) {
    if (c.bot_token || c.channel) {
      fail("config.webhook_url", "Give either a bot token and a channel, or an incoming-webhook URL, not both");
    }
    await checkTarget("config.webhook_url", c.webhook_url, config);
    return {
      config: { mode: "webhook", secret_hint: `${new URL(c.webhook_url).origin}/…` },
      secret: { webhook_url: c.webhook_url },
    };
  }
  if (c.channel) {
    if (!c.bot_token && was !== "bot") fail("config.bot_token", "A bot token (xoxb-…) is needed to post to a channel");
    return {
      config: {
        mode: "bot",
        channel: c.channel,
        secret_hint: c.bot_token ? hint(c.bot_token) : existing?.config.secret_hint,
      },
      secret: c.bot_token ? { bot_token: c.bot_token } : undefined,
    };
  }
  if (c.bot_token) fail("config.channel", "Which channel should the bot post to?");
  if (was === "webhook") return { config: existing!.config, secret: undefined };
  return fail("config.channel", "Give a channel and a bot token, or an incoming-webhook URL");
}

/** An installed workspace must be this tenant's connected Slack integration; its name is kept for display. */
export async function resolveSlack(tx: Sql, tenantId: string, config: Record<string, unknown>) {
  if (config.mode !== "app") return config;
  const i = await getIntegration(tx, tenantId, String(config.integration_id));
  if (!i || i.platform !== "slack" || !i.is_active) {
    fail("config.integration_id", "is not a Slack workspace installed in this organisation");
  }
  if (i.status !== "connected") {
    fail("config.integration_id", `${i.account_name ?? "This workspace"} is ${i.status}: reconnect it first`);
  }
  return { ...config, workspace: i.account_name ?? i.account_id };
}
