/** The webhook kind: a JSON envelope signed per Standard Webhooks, POSTed under the webhook address policy. */
import { type ChannelKind, formField } from "../kind.ts";
import { splitWebhook, WebhookConfigSchema, WebhookStoredSchema } from "./config.ts";
import { sendWebhook, type WebhookChannel } from "./send.ts";

export const webhook: ChannelKind<"webhook", WebhookChannel> = {
  type: "webhook",
  configSchema: WebhookConfigSchema,
  storedSchema: WebhookStoredSchema,
  generatesSecret: true,
  split: splitWebhook,
  open: (base, config, secret) => ({ ...base, type: "webhook", url: String(config.url), secret: secret.secret }),
  send: sendWebhook,
  paced: false,
  form: {
    values: (config) => ({ "config.url": String(config.url ?? "") }),
    config: (form) => ({ url: formField(form, "url") ?? "", secret: formField(form, "secret") }),
  },
};
