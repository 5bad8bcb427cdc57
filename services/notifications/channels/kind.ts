/**
 * What a channel kind is: a folder under channels/ with its config schema
 * (what is stored, what is sealed), its message and its send, exported as one
 * ChannelKind and listed in registry.ts. Everything else (API, pages,
 * dispatcher, outbox, `secrets:rotate`) reads the registry and knows no kind
 * by name; docs/channels.md has the checklist for a new one.
 */
import { z } from "@hono/zod-openapi";
import type { Sql } from "../../../db/client.ts";
import type { Config } from "../../platform/config.ts";
import { type FieldError, ValidationError } from "../../platform/errors.ts";
import type { Resolver } from "../../platform/net/resolve.ts";

/** The secret part of a channel's settings, sealed as one JSON object (never returned, logged or audited). */
export type ChannelSecret = Record<string, string>;

export interface SplitConfig {
  config: Record<string, unknown>;
  /** undefined: keep the stored secret; null: the kind has none. */
  secret: ChannelSecret | null | undefined;
  /** A secret Opsdeck made up: returned to the caller once. */
  generated?: string;
}

export interface StoredChannel {
  config: Record<string, unknown>;
  hasSecret: boolean;
}

/** What every loaded channel carries, whatever its kind. */
export interface SendableBase {
  id: string;
  tenantId: string;
  name: string;
  broken: boolean;
}

export interface OutgoingDelivery {
  id: string;
  eventId: string;
  eventType: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  attempt: number;
  digest?: OutgoingDelivery[];
}

export interface SendResult {
  ok: boolean;
  responseCode: number | null;
  error: string | null;
  latencyMs: number;
  retryAfterMs?: number;
  permanent?: boolean;
}

export interface SendDeps {
  sql: Sql;
  config: Config;
  secret: string;
  now: () => Date;
  tenantId: string;
  /** Name resolution for webhook destinations (tests pass a static table). */
  resolver?: Resolver;
  /** How long one send may take; SEND_TIMEOUT_MS when absent. */
  timeoutMs?: number;
}

/** How long one send may take, connection included. */
export const SEND_TIMEOUT_MS = 10_000;

export interface ChannelKind<Type extends string = string, Channel extends SendableBase = SendableBase> {
  type: Type;
  /** The `config` the API and the form accept (secret fields included; unknown keys refused). */
  configSchema: z.ZodType;
  /** What is stored and shown of the settings (never the secret itself), named `<Kind>ChannelSettings` in the API. */
  storedSchema: z.ZodObject;
  /** Opsdeck may make the secret up (a webhook signing secret): the created or saved channel returns it once. */
  generatesSecret: boolean;
  /**
   * Parsed settings → what is stored and what is sealed; checks what the schema cannot (the destination's address
   * policy, which secret to keep on PATCH). Throws a ValidationError naming `config.<field>`.
   */
  split(parsed: never, existing: StoredChannel | undefined, config: Config): Promise<SplitConfig>;
  /**
   * The split settings checked against other rows of the tenant, in the saving transaction (Slack: the installed
   * workspace); answers the config to store. Throws a ValidationError naming `config.<field>`.
   */
  resolve?(tx: Sql, tenantId: string, config: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The stored settings with the secret opened: what send() gets. */
  open(base: SendableBase, config: Record<string, unknown>, secret: ChannelSecret): Channel;
  /** One message (or digest). Never throws for a failed send: a failure is a SendResult. */
  send(channel: Channel, delivery: OutgoingDelivery, deps: SendDeps): Promise<SendResult>;
  /** Sends to one channel are paced (the receiver limits posts per channel: Slack's 1 per second). */
  paced: boolean;
  /** The page's form: stored settings → form values, and form fields → `config`. */
  form: {
    values(config: Record<string, unknown>): Record<string, string | undefined>;
    /** Empty fields are absent (a blank secret keeps the stored one). */
    config(form: Record<string, string>): Record<string, unknown>;
  };
}

/** A posted form's `config.<name>` field, trimmed; absent when blank. */
export const formField = (form: Record<string, string>, name: string) => form[`config.${name}`]?.trim() || undefined;

/** The event(s) a delivery carries, as the message builders read them. */
export function eventsOf(delivery: OutgoingDelivery) {
  return (delivery.digest ?? [delivery]).map((d) => ({
    eventId: d.eventId,
    eventType: d.eventType,
    payload: d.payload,
    createdAt: d.createdAt,
  }));
}

export function failure(error: string, extra: Partial<SendResult> = {}): SendResult {
  return { ok: false, responseCode: null, error, latencyMs: 0, ...extra };
}

export function fail(path: string, message: string): never {
  const error: FieldError = { path, message };
  throw new ValidationError([error]);
}

/** Enough to recognise a secret, far too little to use it. */
export const secretHint = () => z.string().optional().openapi({ description: "A masked hint of the stored secret" });

/** Enough to recognise a secret, far too little to use it. */
export function hint(secret: string): string {
  const prefix = secret.match(/^(whsec_|xox[bp]-)/)?.[0] ?? "";
  return `${prefix}…${secret.slice(-4)}`;
}
