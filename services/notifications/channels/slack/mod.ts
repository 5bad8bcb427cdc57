/** The Slack kind: bot (Block Kit, buttons, edits) or incoming webhook (post only); paced per channel. */
import { type ChannelKind, formField } from "../kind.ts";
import { SlackConfigSchema, SlackStoredSchema, splitSlack } from "./config.ts";
import { sendSlack, type SlackChannel } from "./send.ts";

export const slack: ChannelKind<"slack", SlackChannel> = {
  type: "slack",
  configSchema: SlackConfigSchema,
  storedSchema: SlackStoredSchema,
  generatesSecret: false,
  split: splitSlack,
  open: (base, config, secret) =>
    config.mode === "webhook"
      ? { ...base, type: "slack", mode: "webhook", webhookUrl: secret.webhook_url }
      : { ...base, type: "slack", mode: "bot", channel: String(config.channel), botToken: secret.bot_token },
  send: sendSlack,
  paced: true,
  form: {
    values: (config) => ({ "config.channel": config.mode === "bot" ? String(config.channel ?? "") : undefined }),
    config: (form) => ({
      channel: formField(form, "channel"),
      bot_token: formField(form, "bot_token"),
      webhook_url: formField(form, "webhook_url"),
    }),
  },
};
