/**
 * Splits a channel's settings into the stored non-secret `config` and the
 * secret object that is encrypted as a whole: the kind's schema first, then
 * its own rules (channels/<kind>/config.ts).
 */
import type { ChannelType } from "../../db/queries/notification_channels.ts";
import type { Config } from "../platform/config.ts";
import { ValidationError } from "../platform/errors.ts";
import type { SplitConfig, StoredChannel } from "./channels/kind.ts";
import { channelKind } from "./channels/registry.ts";

/** Turns validated (or, for PATCH, still raw) settings into what is stored. */
export async function splitConfig(
  type: ChannelType,
  input: unknown,
  existing: StoredChannel | undefined,
  config: Config,
): Promise<SplitConfig> {
  const kind = channelKind(type);
  const parsed = kind.configSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(parsed.error.issues.map((i) => ({
      path: ["config", ...i.path.map(String)].join("."),
      message: i.message,
    })));
  }
  return await kind.split(parsed.data as never, existing, config);
}
