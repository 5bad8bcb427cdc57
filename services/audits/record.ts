/**
 * Writes the one audit row a mutation owes, inside the mutation's own
 * transaction. Secrets in `details` are redacted before they are stored.
 */
import type { Sql } from "../../db/client.ts";
import { insertAudit } from "../../db/queries/audits.ts";
import type { Principal } from "../auth/permissions.ts";

/** Who did it and from where; routes build it once per request. */
export interface AuditContext {
  actor: Principal | null;
  /** For actions without a signed-in actor (failed login, set-up): who it was about. */
  actorLabel?: string;
  /** For a sign-in: the user who signs in, before they are a principal. */
  actorUserId?: string;
  ip: string | null;
  userAgent: string | null;
  now: Date;
}

export interface AuditEntry {
  tenantId: string;
  action: string;
  resourceType: string;
  resourceId?: string | null;
  before?: unknown;
  after?: unknown;
  details?: Record<string, unknown>;
}

const SECRET_KEY = /pass(word)?|secret|token|hash|key$|api_key|private|credential|cookie|authorization/i;

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return "[redacted]";
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? "[redacted]" : redact(v)]),
    );
  }
  return value;
}

export async function recordAudit(sql: Sql, ctx: AuditContext, entry: AuditEntry): Promise<void> {
  const details: Record<string, unknown> = { ...entry.details };
  if (entry.before !== undefined) details.before = entry.before;
  if (entry.after !== undefined) details.after = entry.after;
  await insertAudit(sql, {
    tenantId: entry.tenantId,
    actorUserId: ctx.actor?.userId ?? ctx.actorUserId ?? null,
    actorApiKeyId: ctx.actor?.apiKeyId ?? null,
    actorLabel: ctx.actor?.email ?? ctx.actorLabel ?? null,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId ?? null,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    details: redact(details) as Record<string, unknown>,
    createdAt: ctx.now,
  });
}
