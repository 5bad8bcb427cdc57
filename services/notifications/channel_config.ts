/**
 * Splits a channel's settings into the stored non-secret `config` and the
 * secret object that is encrypted as a whole, and checks what the schema
 * cannot: which Slack mode, which secret to keep on PATCH, the destination's
 * address policy.
 */
import type { ChannelType } from "../../db/queries/notification_channels.ts";
import type { Config } from "../config.ts";
import { type FieldError, ValidationError } from "../errors.ts";
import { EmailConfigSchema, SlackConfigSchema, WebhookConfigSchema } from "./channel_schemas.ts";
import { targetProblem } from "./senders/http.ts";
import { generateWebhookSecret } from "./standard_webhooks.ts";

export type ChannelSecret = Record<string, string>;

export interface SplitConfig {
  config: Record<string, unknown>;
  /** undefined: keep the stored secret; null: the type has none. */
  secret: ChannelSecret | null | undefined;
  /** A webhook signing secret Opsdeck made up: returned to the caller once. */
  generated?: string;
}

export interface StoredChannel {
  config: Record<string, unknown>;
  hasSecret: boolean;
}

/** Turns validated (or, for PATCH, still raw) settings into what is stored. */
export async function splitConfig(
  type: ChannelType,
  input: unknown,
  existing: StoredChannel | undefined,
  config: Config,
): Promise<SplitConfig> {
  const schema = type === "slack" ? SlackConfigSchema : type === "email" ? EmailConfigSchema : WebhookConfigSchema;
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(parsed.error.issues.map((i) => ({
      path: ["config", ...i.path.map(String)].join("."),
      message: i.message,
    })));
  }
  if (type === "email") return { config: { to: (parsed.data as { to: string[] }).to }, secret: null };
  if (type === "webhook") {
    const c = parsed.data as { url: string; secret?: string };
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
  return await splitSlack(parsed.data as SlackInput, existing, config);
}

interface SlackInput {
  bot_token?: string;
  channel?: string;
  webhook_url?: string;
}

async function splitSlack(
  c: SlackInput,
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

async function checkTarget(path: string, url: string, config: Config): Promise<void> {
  const problem = await targetProblem(url, config);
  if (problem) fail(path, problem);
}

function fail(path: string, message: string): never {
  const error: FieldError = { path, message };
  throw new ValidationError([error]);
}

/** Enough to recognise a secret, far too little to use it. */
function hint(secret: string): string {
  const prefix = secret.match(/^(whsec_|xox[bp]-)/)?.[0] ?? "";
  return `${prefix}…${secret.slice(-4)}`;
}
