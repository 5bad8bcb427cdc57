import type { Sql } from "../client.ts";

export interface AuditInsert {
  tenantId: string;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  actorLabel: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
  createdAt: Date;
}

/** The chain columns (seq, prev_hash, hash) are filled by the audits_chain trigger. */
export async function insertAudit(sql: Sql, a: AuditInsert): Promise<{ id: string; seq: number }> {
  const [row] = await sql<{ id: string; seq: number }[]>`
    INSERT INTO audits (tenant_id, actor_user_id, actor_api_key_id, actor_label, action, resource_type, resource_id,
                        ip, user_agent, details, created_at)
    VALUES (${a.tenantId}, ${a.actorUserId}, ${a.actorApiKeyId}, ${a.actorLabel}, ${a.action}, ${a.resourceType},
            ${a.resourceId}, ${a.ip}, ${a.userAgent?.slice(0, 1000) ?? null}, ${
    sql.json(a.details as never)
  }, ${a.createdAt})
    RETURNING id, seq`;
  return row;
}

export interface AuditRow {
  id: string;
  /** int8 arrives as a string from postgres.js; services turn it into a number. */
  seq: string;
  actor_user_id: string | null;
  actor_api_key_id: string | null;
  actor_label: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
  created_at: Date;
}

export interface AuditDetailRow extends AuditRow {
  /** Hex, for showing where the row sits in its tenant's chain. */
  prev_hash: string | null;
  hash: string;
}

/** Filters of `GET /api/v1/audits`; all optional except the tenant. */
export interface AuditFilter {
  tenantId: string;
  /** A user id or an API key id: matches either actor column. */
  actorId?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
  /** Keyset: only rows older than this position in the chain. */
  beforeSeq?: number;
}

const columns = (sql: Sql) =>
  sql`id, seq, actor_user_id, actor_api_key_id, actor_label, action, resource_type, resource_id, ip, user_agent,
      details, created_at`;

/** A tenant's audit rows, newest first (by seq, which is per tenant and gap-free). */
export function listAudits(sql: Sql, f: AuditFilter, limit: number): Promise<AuditRow[]> {
  const none = sql``;
  return sql<AuditRow[]>`
    SELECT ${columns(sql)}
    FROM audits
    WHERE tenant_id = ${f.tenantId}
      ${f.actorId ? sql`AND (actor_user_id = ${f.actorId} OR actor_api_key_id = ${f.actorId})` : none}
      ${f.action ? sql`AND action = ${f.action}` : none}
      ${f.resourceType ? sql`AND resource_type = ${f.resourceType}` : none}
      ${f.resourceId ? sql`AND resource_id = ${f.resourceId}` : none}
      ${f.since ? sql`AND created_at >= ${f.since}` : none}
      ${f.until ? sql`AND created_at < ${f.until}` : none}
      ${f.beforeSeq !== undefined ? sql`AND seq < ${f.beforeSeq}` : none}
    ORDER BY seq DESC
    LIMIT ${limit}`;
}

export async function getAudit(sql: Sql, tenantId: string, id: string): Promise<AuditDetailRow | undefined> {
  const [row] = await sql<AuditDetailRow[]>`
    SELECT ${columns(sql)}, encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash
    FROM audits
    WHERE id = ${id} AND tenant_id = ${tenantId}`;
  return row;
}

/**
 * The distinct values of a column in a tenant's audits, for filter pickers.
 * A recursive "loose index scan" walks the (tenant_id, <column>, …) index one
 * distinct value at a time, so it costs one index probe per value, not a scan.
 */
export async function distinctAuditValues(
  sql: Sql,
  tenantId: string,
  column: "action" | "resource_type",
  max: number,
): Promise<string[]> {
  const col = sql(column);
  const rows = await sql<{ value: string }[]>`
    WITH RECURSIVE walk(value) AS (
      (SELECT ${col} FROM audits WHERE tenant_id = ${tenantId} ORDER BY ${col} LIMIT 1)
      UNION ALL
      SELECT (SELECT a.${col} FROM audits a WHERE a.tenant_id = ${tenantId} AND a.${col} > walk.value
              ORDER BY a.${col} LIMIT 1)
      FROM walk WHERE walk.value IS NOT NULL
    )
    SELECT value FROM walk WHERE value IS NOT NULL LIMIT ${max}`;
  return rows.map((r) => r.value);
}

export interface AuditActorRow {
  id: string;
  email: string;
  name: string | null;
}

/**
 * The tenant's users, for the actor picker. (Only users who appear in the
 * log would be nicer, but no plan for that stays cheap: the planner, misled by
 * row-level security's estimates, scanned the audits: 23–215 ms at 100–300k rows.)
 */
export function listAuditActors(sql: Sql, tenantId: string, max: number): Promise<AuditActorRow[]> {
  return sql<AuditActorRow[]>`
    SELECT id, email, name
    FROM users
    WHERE tenant_id = ${tenantId}
    ORDER BY lower(coalesce(name, email)), id
    LIMIT ${max}`;
}

/** Every tenant, for chain verification (run as the owner: deliberately cross-tenant). */
export function listTenantsForVerification(sql: Sql): Promise<{ id: string; slug: string }[]> {
  return sql<{ id: string; slug: string }[]>`SELECT id, slug FROM tenants ORDER BY slug, id`;
}

export interface ChainLink {
  id: string;
  seq: string;
  prev_hash: string | null;
  hash: string;
  /** audit_hash() of the row as it is now; differs from `hash` when the row was edited. */
  computed_hash: string;
}

/** A slice of a tenant's chain in seq order, with each row's hash recomputed by the database. */
export function listChainLinks(sql: Sql, tenantId: string, afterSeq: number, limit: number): Promise<ChainLink[]> {
  return sql<ChainLink[]>`
    SELECT id, seq, encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash,
           encode(audit_hash(a), 'hex') AS computed_hash
    FROM audits a
    WHERE tenant_id = ${tenantId} AND seq > ${afterSeq}
    ORDER BY seq
    LIMIT ${limit}`;
}
