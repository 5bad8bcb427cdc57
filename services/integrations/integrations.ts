/**
 * Integrations as admins see and manage them (settings:read to look,
 * settings:manage to change), a fresh access token for the provider calls
 * (refreshed ahead of expiry under a row lock, so two workers never spend
 * one refresh token twice), and what happens when a provider refuses the
 * tokens: the integration is marked broken, with an `integration.broken`
 * event for the notification rules and an e-mail to every settings admin.
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/integrations.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { emitEvent } from "../events/emit.ts";
import { enqueueMail } from "../mail/outbox.ts";
import { NotFoundError, ValidationError } from "../platform/errors.ts";
import { type Fetch, refreshTokens } from "./oauth.ts";
import { type ProviderCall, TokenRefused } from "./provider.ts";
import { providerOf, PROVIDERS } from "./registry.ts";
import type { IntegrationSettings } from "./settings.ts";
import { openTokens, sealTokens, type SecretDeps } from "./tokens.ts";

/** Refresh when less than this is left, so a call never starts with a token about to lapse. */
export const REFRESH_AHEAD_MS = 5 * 60_000;

export interface IntegrationDeps extends SecretDeps {
  integrations: IntegrationSettings;
  fetch: Fetch;
  baseUrl?: string;
}

export type IntegrationView = Omit<
  q.IntegrationRow,
  "access_token_ciphertext" | "refresh_token_ciphertext" | "key_id" | "tenant_id"
>;

const view = (r: q.IntegrationRow): IntegrationView => {
  const { access_token_ciphertext: _a, refresh_token_ciphertext: _r, key_id: _k, tenant_id: _t, ...rest } = r;
  return rest;
};

export interface ProviderChoice {
  platform: string;
  label: string;
  configured: boolean;
}

export async function listIntegrations(sql: Sql, principal: Principal, settings: IntegrationSettings) {
  authorize(principal, "settings", "read");
  const rows = await withTenant(sql, principal.tenantId, (tx) => q.listIntegrations(tx, principal.tenantId));
  const providers: ProviderChoice[] = Object.values(PROVIDERS).map((p) => ({
    platform: p.platform,
    label: p.label,
    configured: Boolean(settings[p.platform]),
  }));
  return { integrations: rows.map(view), providers };
}

export async function getIntegration(sql: Sql, principal: Principal, id: string): Promise<IntegrationView> {
  authorize(principal, "settings", "read");
  const row = await withTenant(sql, principal.tenantId, (tx) => q.getIntegration(tx, principal.tenantId, id));
  if (!row) throw new NotFoundError("Integration not found");
  return view(row);
}

export interface IntegrationPatch {
  team_id?: string;
  close_on_resolve?: boolean;
}

/** PATCH: the provider settings an admin chooses (Linear: the team, whether resolving closes the issue). */
export async function updateIntegration(
  sql: Sql,
  principal: Principal,
  id: string,
  patch: IntegrationPatch,
  ctx: AuditContext,
): Promise<IntegrationView> {
  authorize(principal, "settings", "manage");
  return await withTenant(sql, principal.tenantId, async (tx) => {
    const row = await q.getIntegration(tx, principal.tenantId, id, { forUpdate: true });
    if (!row) throw new NotFoundError("Integration not found");
    // Both settings are Linear's; other providers have none to change here.
    const field = row.platform === "linear" ? undefined : Object.keys(patch)[0];
    if (field) throw new ValidationError([{ path: field, message: `is a Linear setting, not one of ${row.platform}` }]);
    const teams = (row.metadata.teams ?? []) as { id: string }[];
    if (patch.team_id !== undefined && !teams.some((t) => t.id === patch.team_id)) {
      throw new ValidationError([{ path: "team_id", message: "is not one of the connected account's teams" }]);
    }
    await q.updateMetadata(tx, principal.tenantId, id, { ...patch });
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "integration.update",
      resourceType: "integration",
      resourceId: id,
      before: { team_id: row.metadata.team_id ?? null, close_on_resolve: row.metadata.close_on_resolve ?? false },
      after: patch,
    });
    return view((await q.getIntegration(tx, principal.tenantId, id))!);
  });
}

/**
 * What a provider call needs, with an access token good for a while yet.
 * Throws TokenRefused (after marking the integration broken) when the
 * provider will not refresh it.
 */
export async function providerCall(
  sql: Sql,
  deps: IntegrationDeps,
  tenantId: string,
  id: string,
  now: Date,
): Promise<ProviderCall> {
  const read = await withTenant(sql, tenantId, (tx) => q.getIntegration(tx, tenantId, id));
  if (!read || !read.is_active) throw new NotFoundError("Integration not found");
  if (read.status !== "connected") throw new TokenRefused(read.last_error ?? "the integration is broken");
  const settings = deps.integrations[read.platform];
  if (!settings) throw new Error(`${read.platform} is not configured in this deployment`);
  const due = (r: q.IntegrationRow) =>
    r.token_expires_at !== null && r.token_expires_at.getTime() - now.getTime() < REFRESH_AHEAD_MS;
  if (!due(read)) {
    return { settings, accessToken: (await openTokens(deps, read)).access, metadata: read.metadata, fetch: deps.fetch };
  }
  try {
    return await withTenant(sql, tenantId, async (tx) => {
      const row = (await q.getIntegration(tx, tenantId, id, { forUpdate: true }))!;
      const tokens = await openTokens(deps, row);
      // Another worker refreshed while this one waited for the lock.
      if (!due(row)) return { settings, accessToken: tokens.access, metadata: row.metadata, fetch: deps.fetch };
      if (!tokens.refresh) throw new TokenRefused("the access token expired and there is no refresh token");
      const next = await refreshTokens(settings, tokens.refresh, deps.fetch, now);
      const sealed = await sealTokens(deps, id, next);
      await q.storeTokens(tx, tenantId, id, { ...sealed, expiresAt: next.expiresAt, scopes: next.scopes });
      return { settings, accessToken: next.access, metadata: row.metadata, fetch: deps.fetch };
    });
  } catch (error) {
    if (error instanceof TokenRefused) await integrationBroken(sql, deps, tenantId, id, error.message, now);
    throw error;
  }
}

/** Marks it broken once (a second refusal changes nothing) and tells the admins. */
export async function integrationBroken(
  sql: Sql,
  deps: Pick<IntegrationDeps, "baseUrl">,
  tenantId: string,
  id: string,
  why: string,
  now: Date,
): Promise<boolean> {
  return await withTenant(sql, tenantId, async (tx) => {
    const row = await q.getIntegration(tx, tenantId, id, { forUpdate: true });
    if (!row || !(await q.markBroken(tx, tenantId, id, why))) return false;
    const ctx: AuditContext = { actor: null, actorLabel: "system:integrations", ip: null, userAgent: null, now };
    const label = providerOf(row.platform)?.label ?? row.platform;
    const name = `${label} (${row.account_name ?? row.account_id})`;
    await recordAudit(tx, ctx, {
      tenantId,
      action: "integration.broken",
      resourceType: "integration",
      resourceId: id,
      details: { error: why },
    });
    await emitEvent(tx, ctx, {
      tenantId,
      type: "integration.broken",
      subject: { type: "integration", id },
      projectId: null,
      payload: { integration: { id, platform: row.platform, name }, error: why },
    });
    const link = `${deps.baseUrl ?? ""}/integrations`;
    for (const admin of await q.settingsManagers(tx, tenantId)) {
      await enqueueMail(tx, tenantId, {
        purpose: "integration_broken",
        reference: id,
        to: admin.email,
        subject: `Integration broken: ${name}`,
        text:
          `${name} refused Opsdeck's token (${why}).\n\nNothing is sent to it until someone reconnects it:\n${link}`,
      }, now);
    }
    return true;
  });
}
