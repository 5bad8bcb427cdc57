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
