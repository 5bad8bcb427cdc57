/**
 * Slack settings: either a bot token and a channel (buttons, edits) or an
 * incoming-webhook URL (post only). The token or the URL is the secret.
 */
import { z } from "@hono/zod-openapi";
import type { Config } from "../../../platform/config.ts";
import { checkTarget, httpUrl } from "../http.ts";
import { fail, hint, secretHint, type SplitConfig, type StoredChannel } from "../kind.ts";

/** What is stored and shown of a Slack channel's settings. */
export const SlackStoredSchema = z.object({
  mode: z.enum(["bot", "webhook"]),
  channel: z.string().optional().openapi({ example: "C0123456789" }),
  secret_hint: secretHint().openapi({ example: "xoxb-…abcd" }),
});

export const SlackConfigSchema = z.strictObject({
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
