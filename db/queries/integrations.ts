/** Integrations (seed 004), their connect flows, links to provider records and the sync worker's queue. */
import type { Sql } from "../client.ts";

export interface IntegrationRow {
  id: string;
  tenant_id: string;
  platform: string;
  account_id: string;
  account_name: string | null;
  status: "connected" | "broken" | "disconnected";
  access_token_ciphertext: Uint8Array | null;
  refresh_token_ciphertext: Uint8Array | null;
  key_id: string | null;
  token_expires_at: Date | null;
  scopes: string[];
  is_active: boolean;
  last_sync_at: Date | null;
  last_error: string | null;
  metadata: Record<string, unknown>;
  connected_by: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, tenant_id, platform, account_id, account_name, status, access_token_ciphertext,
  refresh_token_ciphertext, key_id, token_expires_at, scopes, is_active, last_sync_at, last_error, metadata,
  connected_by, created_at, updated_at`;

export async function listIntegrations(sql: Sql, tenantId: string): Promise<IntegrationRow[]> {
  return await sql<IntegrationRow[]>`
    SELECT ${sql.unsafe(COLUMNS)} FROM integrations WHERE tenant_id = ${tenantId}
    ORDER BY platform, account_name, id`;
}

/** The tenant's connected accounts of one provider (Slack: the workspaces a channel can post as). */
export async function connectedAccounts(
  sql: Sql,
  tenantId: string,
  platform: string,
): Promise<{ id: string; name: string }[]> {
  return await sql<{ id: string; name: string }[]>`
    SELECT id, coalesce(account_name, account_id) AS name FROM integrations
    WHERE tenant_id = ${tenantId} AND platform = ${platform} AND is_active AND status = 'connected'
    ORDER BY lower(coalesce(account_name, account_id)), id`;
}

export async function getIntegration(
  sql: Sql,
  tenantId: string,
  id: string,
  o: { forUpdate?: boolean } = {},
): Promise<IntegrationRow | undefined> {
  const [row] = await sql<IntegrationRow[]>`
    SELECT ${sql.unsafe(COLUMNS)} FROM integrations WHERE tenant_id = ${tenantId} AND id = ${id}
    ${o.forUpdate ? sql`FOR UPDATE` : sql``}`;
  return row;
}

/** The tenant's live connection to one provider account (a webhook names the account). Owner connection. */
export async function findByAccount(sql: Sql, platform: string, accountId: string): Promise<IntegrationRow[]> {
  return await sql<IntegrationRow[]>`
    SELECT ${sql.unsafe(COLUMNS)} FROM integrations
    WHERE platform = ${platform} AND account_id = ${accountId} AND is_active`;
}

export interface ConnectedTokens {
  access: Uint8Array;
  refresh: Uint8Array | null;
  keyId: string;
  expiresAt: Date | null;
  scopes: string[];
}

/** Inserts the connection, or reconnects the tenant's row for the same account (new tokens, fixed status). */
export async function upsertConnection(
  sql: Sql,
  row: {
    id: string;
    tenantId: string;
    platform: string;
    accountId: string;
    accountName: string;
    metadata: Record<string, unknown>;
    connectedBy: string;
    now: Date;
  },
): Promise<{ id: string; inserted: boolean }> {
  const [r] = await sql<{ id: string; inserted: boolean }[]>`
    INSERT INTO integrations (id, tenant_id, platform, account_id, account_name, status, is_active,
      access_token_ciphertext, key_id, metadata, connected_by, last_sync_at, next_sync_at)
    VALUES (${row.id}, ${row.tenantId}, ${row.platform}, ${row.accountId}, ${row.accountName}, 'connected', false,
      NULL, NULL, ${sql.json(row.metadata as never)}, ${row.connectedBy}, ${row.now}, ${row.now})
    ON CONFLICT (tenant_id, platform, account_id) DO UPDATE
      SET account_name = EXCLUDED.account_name, status = 'connected', last_error = NULL,
          metadata = integrations.metadata || EXCLUDED.metadata, connected_by = EXCLUDED.connected_by,
          last_sync_at = EXCLUDED.last_sync_at, next_sync_at = EXCLUDED.next_sync_at
    RETURNING id, (xmax = 0) AS inserted`;
  return r;
}

/** Stores sealed tokens (sealed for the row's id, so after the id is known) and makes the row active. */
export async function storeTokens(sql: Sql, tenantId: string, id: string, t: ConnectedTokens): Promise<void> {
  await sql`
    UPDATE integrations SET access_token_ciphertext = ${t.access}, refresh_token_ciphertext = ${t.refresh},
      key_id = ${t.keyId}, token_expires_at = ${t.expiresAt}, scopes = ${t.scopes}, is_active = true
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

export async function markBroken(sql: Sql, tenantId: string, id: string, error: string): Promise<boolean> {
  const rows = await sql`
    UPDATE integrations SET status = 'broken', last_error = ${error.slice(0, 1000)}
    WHERE tenant_id = ${tenantId} AND id = ${id} AND status = 'connected'
    RETURNING id`;
  return rows.length === 1;
}

/** Disconnected: tokens forgotten, the row kept for its history (links, audit). */
export async function markDisconnected(sql: Sql, tenantId: string, id: string): Promise<void> {
  await sql`
    UPDATE integrations SET status = 'disconnected', is_active = false, access_token_ciphertext = NULL,
      refresh_token_ciphertext = NULL, key_id = NULL, token_expires_at = NULL, locked_by = NULL, locked_until = NULL
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

export async function recordSync(
  sql: Sql,
  tenantId: string,
  id: string,
  o: { at: Date; error: string | null; metadata?: Record<string, unknown>; nextAt: Date },
): Promise<void> {
  await sql`
    UPDATE integrations SET
      last_sync_at = CASE WHEN ${o.error}::text IS NULL THEN ${o.at}::timestamptz ELSE last_sync_at END,
      last_error = ${o.error}, metadata = metadata || ${sql.json((o.metadata ?? {}) as never)},
      next_sync_at = ${o.nextAt}, locked_by = NULL, locked_until = NULL
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

export async function updateMetadata(sql: Sql, tenantId: string, id: string, patch: Record<string, unknown>) {
  await sql`
    UPDATE integrations SET metadata = metadata || ${sql.json(patch as never)}
    WHERE tenant_id = ${tenantId} AND id = ${id}`;
}

// --- connect flows ---

export interface OAuthFlowRow {
  tenant_id: string;
  platform: string;
  session_id: string;
  user_id: string;
  code_verifier: string;
  expires_at: Date;
}

export async function insertFlow(sql: Sql, stateHash: Uint8Array, flow: OAuthFlowRow): Promise<void> {
  await sql`
    INSERT INTO integration_oauth_flows (state_hash, tenant_id, platform, session_id, user_id, code_verifier, expires_at)
    VALUES (${stateHash}, ${flow.tenant_id}, ${flow.platform}, ${flow.session_id}, ${flow.user_id},
      ${flow.code_verifier}, ${flow.expires_at})`;
}

/** Takes the flow out (single use): whatever happens next, this state never works again. */
export async function takeFlow(sql: Sql, tenantId: string, stateHash: Uint8Array): Promise<OAuthFlowRow | undefined> {
  const [row] = await sql<OAuthFlowRow[]>`
    DELETE FROM integration_oauth_flows WHERE tenant_id = ${tenantId} AND state_hash = ${stateHash}
    RETURNING tenant_id, platform, session_id, user_id, code_verifier, expires_at`;
  return row;
}

export async function deleteExpiredFlows(sql: Sql, now: Date): Promise<number> {
  const rows = await sql`DELETE FROM integration_oauth_flows WHERE expires_at < ${now} RETURNING 1`;
  return rows.length;
}

// --- the sync worker's queue (owner connection, across tenants) ---

export interface DueIntegration {
  id: string;
  tenant_id: string;
}

export async function claimDueIntegrations(
  sql: Sql,
  o: { now: Date; by: string; leaseMs: number; limit: number },
): Promise<DueIntegration[]> {
  return await sql<DueIntegration[]>`
    UPDATE integrations SET locked_by = ${o.by}, locked_until = ${new Date(o.now.getTime() + o.leaseMs)}
    WHERE id IN (
      SELECT id FROM integrations
      WHERE is_active AND status = 'connected'
        AND (next_sync_at <= ${o.now} OR id IN (SELECT integration_id FROM integration_links WHERE wanted IS NOT NULL))
        AND (locked_until IS NULL OR locked_until < ${o.now})
      ORDER BY next_sync_at LIMIT ${o.limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, tenant_id`;
}

export async function renewIntegrationLeases(sql: Sql, ids: string[], by: string, until: Date): Promise<void> {
  if (ids.length === 0) return;
  await sql`UPDATE integrations SET locked_until = ${until} WHERE id = ANY(${ids}::uuid[]) AND locked_by = ${by}`;
}

// --- rotation ---

/** Who is told when an integration breaks: active users whose role may manage settings. */
export async function settingsManagers(sql: Sql, tenantId: string): Promise<{ email: string }[]> {
  return await sql<{ email: string }[]>`
    SELECT u.email FROM users u
    JOIN permissions p ON p.role_id = u.role_id AND p.resource = 'settings' AND p.action = 'manage'
    WHERE u.tenant_id = ${tenantId} AND u.status = 'active'
    ORDER BY u.email LIMIT 50`;
}
