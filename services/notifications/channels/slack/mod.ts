/**
 * The Slack kind: an installed workspace or a pasted bot token (Block Kit, buttons, edits), or an incoming webhook
 * (post only); paced per channel.
 */
import { type ChannelKind, formField } from "../kind.ts";
import { resolveSlack, SlackConfigSchema, SlackStoredSchema, splitSlack } from "./config.ts";
import { sendSlack, type SlackChannel } from "./send.ts";

export const slack: ChannelKind<"slack", SlackChannel> = {
  type: "slack",
  configSchema: SlackConfigSchema,
  storedSchema: SlackStoredSchema,
  generatesSecret: false,
  split: splitSlack,
  resolve: resolveSlack,
  open: (base, config, secret) =>
    config.mode === "webhook"
      ? { ...base, type: "slack", mode: "webhook", webhookUrl: secret.webhook_url }
      : config.mode === "app"
      ? {
        ...base,
        type: "slack",
        mode: "app",
        channel: String(config.channel),
        integrationId: String(config.integration_id),
      }
      : { ...base, type: "slack", mode: "bot", channel: String(config.channel), botToken: secret.bot_token },
  send: sendSlack,
  paced: true,
  form: {
    values: (config) => ({
      "config.channel": config.mode !== "webhook" ? String(config.channel ?? "") : undefined,
      "config.integration_id": config.mode === "app" ? String(config.integration_id) : undefined,
    }),
    config: (form) => ({
      integration_id: formField(form, "integration_id"),
      channel: formField(form, "channel"),
      bot_token: formField(form, "bot_token"),
      webhook_url: formField(form, "webhook_url"),
    }),
  },
};
