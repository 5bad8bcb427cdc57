/**
 * Every channel kind Opsdeck can send to, in the order the API documents and
 * the page offers them. Adding a kind is its folder plus one line here
 * (docs/channels.md has the checklist).
 */
import type { ChannelType } from "../../../db/queries/notification_channels.ts";
import { email } from "./email/mod.ts";
import type { ChannelKind, SendableBase } from "./kind.ts";
import { slack } from "./slack/mod.ts";
import { webhook } from "./webhook/mod.ts";

export const CHANNEL_KINDS = [slack, email, webhook] as const;

export const CHANNEL_TYPES = CHANNEL_KINDS.map((k) => k.type) as [ChannelType, ...ChannelType[]];

/** A channel loaded for sending, secret opened: one shape per kind. */
export type SendableChannel = ReturnType<typeof CHANNEL_KINDS[number]["open"]>;

export function channelKind(type: ChannelType): ChannelKind<ChannelType, SendableBase> {
  const kind = CHANNEL_KINDS.find((k) => k.type === type);
  if (!kind) throw new Error(`unknown channel kind ${type}`);
  return kind as unknown as ChannelKind<ChannelType, SendableBase>;
}
