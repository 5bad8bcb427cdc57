/**
 * Notification channels: CRUD (authorised, tenant-scoped, audited), the
 * sender's view of a channel with its secret opened, and its health.
 *
 * Secrets (Slack bot token or incoming-webhook URL, webhook signing secret)
 * are one JSON object sealed with the `notification_channel_secrets` keyring,
 * bound to the row by `channelSecretAad(id)`; they are never returned, logged
 * or audited, only a masked `secret_hint`.
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/notification_channels.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, can, type Principal } from "../auth/permissions.ts";
import { connectedAccounts } from "../../db/queries/integrations.ts";
import { splitConfig } from "./channel_config.ts";
import type { ChannelJson, CreateChannelInput, UpdateChannelInput } from "./channel_schemas.ts";
import type { Config } from "../platform/config.ts";
import { NotFoundError } from "../platform/errors.ts";
import { decodeIdCursor, type Page, toPage } from "../platform/pagination.ts";
import { createKeyring, type Keyring } from "../platform/secrets/crypto.ts";
import { channelSecretAad } from "../platform/secrets/fields.ts";
import type { ChannelSecret } from "./channels/kind.ts";
import { channelKind, type SendableChannel } from "./channels/registry.ts";

export type ChannelRow = q.ChannelRow;

/** What saving a channel needs besides the database: the keys and the address policy. */
export interface ChannelDeps {
  secret: string;
  config: Config;
}

const keyrings = new Map<string, Promise<Keyring>>();

/** HKDF once per secret set, not per send. */
export function channelKeyring(secret: string, previous: readonly string[] = []): Promise<Keyring> {
  const id = [secret, ...previous].join("\n");
  let keyring = keyrings.get(id);
  if (!keyring) {
    keyring = createKeyring({ current: secret, previous }, "notification_channel_secrets");
    keyrings.set(id, keyring);
  }
  return keyring;
}

async function seal(deps: ChannelDeps, id: string, secret: ChannelSecret) {
  const keys = await channelKeyring(deps.secret, deps.config.previousSecrets);
  return await keys.encrypt(JSON.stringify(secret), channelSecretAad(id));
}

/** The audit trail's view: settings and whether a secret is set or changed, never the secret. */
function snapshot(row: ChannelRow) {
  return { name: row.name, type: row.type, config: row.config, has_secret: row.has_secret, broken: row.broken };
}

/** The kind's check of the settings against the tenant's other rows (Slack: the installed workspace). */
function resolved(tx: Sql, tenantId: string, type: q.ChannelType, config: Record<string, unknown>) {
  const kind = channelKind(type);
  return kind.resolve ? kind.resolve(tx, tenantId, config) : Promise.resolve(config);
}

export async function createChannel(
  sql: Sql,
  principal: Principal,
  input: CreateChannelInput,
  ctx: AuditContext,
  deps: ChannelDeps,
): Promise<{ row: ChannelRow; generatedSecret?: string }> {
  authorize(principal, "notification_channels", "write");
  const split = await splitConfig(input.type, input.config, undefined, deps.config);
  const id = crypto.randomUUID();
  const sealed = split.secret ? await seal(deps, id, split.secret) : null;
  const row = await withTenant(sql, principal.tenantId, async (tx) => {
    const row = await q.insertChannel(tx, {
      id,
      tenantId: principal.tenantId,
      name: input.name,
      type: input.type,
      config: await resolved(tx, principal.tenantId, input.type, split.config),
      secret: sealed,
      now: ctx.now,
    });
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "notification_channel.create",
      resourceType: "notification_channel",
      resourceId: id,
      after: snapshot(row),
    });
    return row;
  });
  return { row, generatedSecret: split.generated };
}

/** The Slack workspaces a channel can post as, for whoever may write channels (the form's choice). */
export async function slackWorkspaces(sql: Sql, principal: Principal): Promise<{ id: string; name: string }[]> {
  if (!can(principal, "notification_channels", "write")) return [];
  return await withTenant(sql, principal.tenantId, (tx) => connectedAccounts(tx, principal.tenantId, "slack"));
}

export async function listChannels(
  sql: Sql,
  principal: Principal,
  o: { limit: number; cursor?: string },
): Promise<Page<ChannelRow>> {
  authorize(principal, "notification_channels", "read");
  const after = decodeIdCursor<[string, string]>(o.cursor, ["string", "string"]);
  const rows = await withTenant(
    sql,
    principal.tenantId,
    (tx) => q.listChannels(tx, principal.tenantId, { limit: o.limit, after }),
  );
  return toPage(rows, o.limit, (row) => [row.name.toLowerCase(), row.id]);
}

export async function getChannel(sql: Sql, principal: Principal, id: string): Promise<ChannelRow> {
  authorize(principal, "notification_channels", "read");
  const row = await withTenant(sql, principal.tenantId, (tx) => q.getChannel(tx, principal.tenantId, id));
  if (!row) throw new NotFoundError("No such notification channel");
  return row;
}

/** Saving is also how a broken channel is fixed: the flag and last error are cleared. */
export async function updateChannel(
  sql: Sql,
  principal: Principal,
  id: string,
  input: UpdateChannelInput,
  ctx: AuditContext,
  deps: ChannelDeps,
): Promise<{ row: ChannelRow; generatedSecret?: string }> {
  authorize(principal, "notification_channels", "write");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const before = await q.getChannel(tx, principal.tenantId, id, { forUpdate: true });
    if (!before) throw new NotFoundError("No such notification channel");
    const split = input.config === undefined ? { config: before.config, secret: undefined } : await splitConfig(
      before.type,
      input.config,
      { config: before.config, hasSecret: before.has_secret },
      deps.config,
    );
    const secret = split.secret === undefined ? undefined : split.secret && await seal(deps, id, split.secret);
    const row = await q.updateChannel(tx, principal.tenantId, id, {
      name: input.name ?? before.name,
      // A rename alone leaves the settings as they were, whatever became of a workspace they name.
      config: input.config === undefined
        ? before.config
        : await resolved(tx, principal.tenantId, before.type, split.config),
      secret,
    });
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "notification_channel.update",
      resourceType: "notification_channel",
      resourceId: id,
      before: snapshot(before),
      after: { ...snapshot(row), secret_changed: secret !== undefined },
    });
    return { row, generatedSecret: "generated" in split ? split.generated : undefined };
  });
}

/** Deletes the channel with its notification rules, outbox rows and Slack message records. */
export async function deleteChannel(sql: Sql, principal: Principal, id: string, ctx: AuditContext): Promise<void> {
  authorize(principal, "notification_channels", "delete");
  await withTenant(sql, principal.tenantId, async (tx) => {
    const before = await q.getChannel(tx, principal.tenantId, id, { forUpdate: true });
    if (!before) throw new NotFoundError("No such notification channel");
    const rules = await q.countChannelRules(tx, principal.tenantId, id);
    await q.deleteChannel(tx, principal.tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "notification_channel.delete",
      resourceType: "notification_channel",
      resourceId: id,
      before: snapshot(before),
      details: { notification_rules_deleted: rules },
    });
  });
}

/**
 * For the dispatcher, outside any request: null when the channel is gone.
 * Runs on the `sql` it is given (the dispatcher's pool or its transaction;
 * its work spans tenants), and the query names the tenant explicitly.
 * `previous` are older OPSDECK_SECRET values (config.previousSecrets), so
 * rows not yet rotated still open.
 */
export async function loadChannelForSending(
  sql: Sql,
  tenantId: string,
  channelId: string,
  secret: string,
  previous: readonly string[] = [],
): Promise<SendableChannel | null> {
  const row = await q.getChannelWithSecret(sql, tenantId, channelId);
  if (!row) return null;
  const base = { id: row.id, tenantId: row.tenant_id, name: row.name, broken: row.broken };
  const opened: ChannelSecret = row.secret_ciphertext && row.key_id
    ? JSON.parse(
      await (await channelKeyring(secret, previous)).decrypt(
        { ciphertext: new Uint8Array(row.secret_ciphertext), keyId: row.key_id },
        channelSecretAad(row.id),
      ),
    )
    : {};
  return channelKind(row.type).open(base, row.config, opened) as SendableChannel;
}

/** After a send, on the dispatcher's `sql` or transaction (see q.storeChannelHealth for what each outcome does). */
export async function recordChannelHealth(
  sql: Sql,
  tenantId: string,
  channelId: string,
  health: { ok: boolean; error?: string; permanent?: boolean; now: Date },
): Promise<void> {
  await q.storeChannelHealth(sql, tenantId, channelId, health);
}

/** The stored config was shaped for the row's type by `splitConfig`, so the pair is one variant of the union. */
export function channelJson(row: ChannelRow): ChannelJson {
  const iso = (d: Date | null) => d ? d.toISOString() : null;
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    config: row.config,
    has_secret: row.has_secret,
    broken: row.broken,
    last_error: row.last_error,
    last_error_at: iso(row.last_error_at),
    last_success_at: iso(row.last_success_at),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  } as ChannelJson;
}
