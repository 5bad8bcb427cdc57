/** Webhook settings: the receiver's URL and the Standard Webhooks signing secret (generated when absent). */
import { z } from "@hono/zod-openapi";
import type { Config } from "../../../platform/config.ts";
import { checkTarget, httpUrl } from "../http.ts";
import { hint, secretHint, type SplitConfig, type StoredChannel } from "../kind.ts";
import { generateWebhookSecret } from "./standard_webhooks.ts";

/** What is stored and shown of a webhook channel's settings. */
export const WebhookStoredSchema = z.object({
  url: z.string().openapi({ example: "https://hooks.example.com/opsdeck" }),
  secret_hint: secretHint().openapi({ example: "whsec_…aSw" }),
});

export const WebhookConfigSchema = z.strictObject({
  url: httpUrl("the receiver").openapi({ example: "https://hooks.example.com/opsdeck" }),
  secret: z.string().trim().regex(
    /^whsec_[A-Za-z0-9+/]{32,172}={0,2}$/,
    "must be whsec_ followed by base64 (24 to 128 bytes)",
  ).optional().openapi({
    description: "Standard Webhooks signing secret; generated (and shown once) when absent. Never returned.",
    example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  }),
}).openapi("WebhookChannelConfig");

export async function splitWebhook(
  c: z.infer<typeof WebhookConfigSchema>,
  existing: StoredChannel | undefined,
  config: Config,
): Promise<SplitConfig> {
  await checkTarget("config.url", c.url, config);
  const keep = !c.secret && existing?.hasSecret;
  const generated = c.secret || keep ? undefined : generateWebhookSecret();
  const secret = c.secret ?? generated;
  return {
    config: { url: c.url, secret_hint: secret ? hint(secret) : existing?.config.secret_hint },
    secret: secret ? { secret } : undefined,
    generated,
  };
}
