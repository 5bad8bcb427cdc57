/**
 * Connecting and disconnecting (settings:manage). `startConnect` keeps a
 * random `state` (its SHA-256) and a PKCE verifier, bound to the admin's
 * session, for ten minutes; the callback takes that row out before anything
 * else (single use: a replayed callback finds nothing), checks the session,
 * then exchanges the code. Any refusal is a 400 naming `state` or `code`, and
 * nothing is stored. Disconnecting revokes the tokens at the provider (best
 * effort) and forgets them.
 */
import type { Sql } from "../../db/client.ts";
import * as q from "../../db/queries/integrations.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import { randomToken, sha256 } from "../auth/tokens.ts";
import { AppError, NotFoundError } from "../platform/errors.ts";
import type { IntegrationDeps } from "./integrations.ts";
import { authorizeUrl, exchangeCode, revokeToken } from "./oauth.ts";
import { TokenRefused } from "./provider.ts";
import { providerOf } from "./registry.ts";
import { openTokens, sealTokens } from "./tokens.ts";

export const FLOW_TTL_MS = 10 * 60_000;

const refused = (path: "state" | "code" | "platform", message: string) =>
  new AppError(400, "Bad request", `The connection was refused: ${path} ${message}`, [{ path, message }]);

/** Where the provider sends the admin back; the same on the authorize and token requests. */
export const callbackUrl = (origin: string, platform: string) =>
  `${origin}/integrations/${encodeURIComponent(platform)}/callback`;

function configured(deps: IntegrationDeps, platform: string) {
  const provider = providerOf(platform);
  const settings = deps.integrations[platform];
  if (!provider) throw new NotFoundError("No such provider");
  if (!settings) {
    throw refused("platform", `is not configured in this deployment (set ${provider.envPrefix}_CLIENT_ID)`);
  }
  return { provider, settings };
}

export async function startConnect(
  sql: Sql,
  principal: Principal,
  platform: string,
  deps: IntegrationDeps & { origin: string; now: Date },
): Promise<{ authorize_url: string; expires_at: string }> {
  authorize(principal, "settings", "manage");
  const { provider, settings } = configured(deps, platform);
  if (!principal.sessionId) {
    throw new AppError(400, "Bad request", "Connect from a signed-in session: an API key cannot finish the flow");
  }
  const state = randomToken(32);
  const verifier = randomToken(48);
  const expiresAt = new Date(deps.now.getTime() + FLOW_TTL_MS);
  const stateHash = await sha256(state);
  await withTenant(sql, principal.tenantId, (tx) =>
    q.insertFlow(tx, stateHash, {
      tenant_id: principal.tenantId,
      platform,
      session_id: principal.sessionId!,
      user_id: principal.userId,
      code_verifier: verifier,
      expires_at: expiresAt,
    }));
  const url = await authorizeUrl(provider, settings, {
    state,
    verifier,
    redirectUri: callbackUrl(deps.origin, platform),
  });
  return { authorize_url: url, expires_at: expiresAt.toISOString() };
}

export interface CallbackInput {
  state?: string;
  code?: string;
  /** The provider's own refusal (the admin clicked Deny). */
  error?: string;
}

/** GET /integrations/{platform}/callback: the admin's browser, back from the provider. */
export async function finishConnect(
  sql: Sql,
  principal: Principal,
  platform: string,
  input: CallbackInput,
  deps: IntegrationDeps & { origin: string; now: Date },
  ctx: AuditContext,
): Promise<{ id: string; account_name: string }> {
  authorize(principal, "settings", "manage");
  const { provider, settings } = configured(deps, platform);
  if (!input.state) throw refused("state", "is missing");
  const stateHash = await sha256(input.state);
  // Its own transaction: the state is spent even when what follows fails.
  const flow = await withTenant(sql, principal.tenantId, (tx) => q.takeFlow(tx, principal.tenantId, stateHash));
  if (!flow) throw refused("state", "is unknown or was used already");
  if (flow.expires_at.getTime() < deps.now.getTime()) throw refused("state", "has expired; connect again");
  if (flow.session_id !== principal.sessionId || flow.platform !== platform) {
    throw refused("state", "belongs to another sign-in");
  }
  if (input.error) throw refused("code", `was not given: the provider answered ${input.error}`);
  if (!input.code) throw refused("code", "is missing");
  let tokens;
  try {
    tokens = await exchangeCode(
      settings,
      {
        code: input.code,
        verifier: flow.code_verifier,
        redirectUri: callbackUrl(deps.origin, platform),
      },
      deps.fetch,
      deps.now,
    );
  } catch (error) {
    if (error instanceof TokenRefused) throw refused("code", `was refused by the provider (${error.message})`);
    throw error;
  }
  const account = await provider.account(
    { settings, accessToken: tokens.access, metadata: {}, fetch: deps.fetch },
    tokens.grant,
  );
  const id = await withTenant(sql, principal.tenantId, async (tx) => {
    const row = await q.upsertConnection(tx, {
      id: crypto.randomUUID(),
      tenantId: principal.tenantId,
      platform,
      accountId: account.id,
      accountName: account.name,
      metadata: account.metadata,
      connectedBy: principal.userId,
      now: deps.now,
    });
    const sealed = await sealTokens(deps, row.id, tokens);
    await q.storeTokens(tx, principal.tenantId, row.id, {
      ...sealed,
      expiresAt: tokens.expiresAt,
      scopes: tokens.scopes,
    });
    await provider.connected?.(tx, principal.tenantId, row.id);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: row.inserted ? "integration.connect" : "integration.reconnect",
      resourceType: "integration",
      resourceId: row.id,
      details: { platform, account_id: account.id, account_name: account.name, scopes: tokens.scopes },
    });
    return row.id;
  });
  return { id, account_name: account.name };
}

/** DELETE: revoke at the provider, forget the tokens, keep the row (its links and history). */
export async function disconnect(
  sql: Sql,
  principal: Principal,
  id: string,
  deps: IntegrationDeps,
  ctx: AuditContext,
): Promise<{ revoked: boolean }> {
  authorize(principal, "settings", "manage");
  const row = await withTenant(sql, principal.tenantId, (tx) => q.getIntegration(tx, principal.tenantId, id));
  if (!row) throw new NotFoundError("Integration not found");
  let revoked = false;
  const settings = deps.integrations[row.platform];
  const provider = providerOf(row.platform);
  if (settings && provider && row.access_token_ciphertext) {
    const tokens = await openTokens(deps, row);
    if (provider.revoke) revoked = await provider.revoke(settings, tokens, deps.fetch);
    else {
      // Revoking the refresh token ends the whole grant where the provider supports it; then the access token.
      if (tokens.refresh) revoked = await revokeToken(settings, tokens.refresh, deps.fetch);
      revoked = (await revokeToken(settings, tokens.access, deps.fetch)) || revoked;
    }
  }
  await withTenant(sql, principal.tenantId, async (tx) => {
    await q.markDisconnected(tx, principal.tenantId, id);
    await recordAudit(tx, ctx, {
      tenantId: principal.tenantId,
      action: "integration.disconnect",
      resourceType: "integration",
      resourceId: id,
      details: { platform: row.platform, revoked_at_provider: revoked },
    });
  });
  return { revoked };
}
