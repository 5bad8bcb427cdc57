/**
 * The audit log's filters and rows: one schema for the API's query string and
 * the page's GET form, so both accept and refuse exactly the same input.
 */
import { z } from "@hono/zod-openapi";
import { PageQuerySchema } from "../platform/pagination.ts";

/** The shape audits.action must have (db/migrations/00006_audits.sql). */
const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_MESSAGE = "must be an RFC 3339 date-time such as 2025-05-03T14:00:00Z, or a date such as 2025-05-03";

/**
 * An RFC 3339 date-time, or a plain date read as UTC. A plain date starts the
 * day for `since` and includes the whole day for `until` (the next midnight,
 * exclusive), which is what a date-range picker means.
 */
export function parseInstant(value: string, edge: "start" | "end"): Date | undefined {
  const day = DATE_ONLY.exec(value);
  if (day) {
    const [y, m, d] = day.slice(1).map(Number);
    const date = new Date(Date.UTC(y, m - 1, d + (edge === "end" ? 1 : 0)));
    const valid = new Date(Date.UTC(y, m - 1, d));
    return valid.getUTCFullYear() === y && valid.getUTCMonth() === m - 1 && valid.getUTCDate() === d ? date : undefined;
  }
  if (!z.iso.datetime({ offset: true }).safeParse(value).success) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const instant = (edge: "start" | "end", description: string, example: string) =>
  z.string().max(64).refine((v) => parseInstant(v, edge) !== undefined, INSTANT_MESSAGE).optional().openapi({
    description,
    example,
  });

const AUDIT_FILTER_SHAPE = {
  actor_id: z.uuid("must be a user or API key id (a UUID)").optional().openapi({
    description: "Rows acted by this user (directly or with one of their API keys) or by this API key",
    example: "0f8fad5b-d9cb-469f-a165-70867728950e",
  }),
  action: z.string().max(100).regex(ACTION, "must be an action such as user.update").optional().openapi({
    description: "Exact action",
    example: "user.update",
  }),
  resource_type: z.string().min(1).max(100).optional().openapi({ example: "user" }),
  resource_id: z.string().min(1).max(200).optional().openapi({ example: "7c9e6679-7425-40de-944b-e07fc1f90ae7" }),
  since: instant(
    "start",
    "Rows created at or after this time (RFC 3339, or a UTC date: from its midnight)",
    "2025-05-01T00:00:00Z",
  ),
  until: instant(
    "end",
    "Rows created before this time (RFC 3339, or a UTC date: up to the end of that day)",
    "2025-06-01",
  ),
};

/** `until` must come after `since`; the error names `until`. */
function rangeInOrder(q: { since?: string; until?: string }): boolean {
  if (!q.since || !q.until) return true;
  const since = parseInstant(q.since, "start");
  const until = parseInstant(q.until, "end");
  return !since || !until || until > since;
}
const RANGE_ERROR = { message: "must be after since", path: ["until"] };

/** The list's query string and the page's GET form: filters and paging. */
export const AuditQuerySchema = z.object({
  ...AUDIT_FILTER_SHAPE,
  ...PageQuerySchema.shape,
}).refine(rangeInOrder, RANGE_ERROR);
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

/** The CSV export's query string: the same filters, no paging (every matching row). */
export const AuditExportQuerySchema = z.object(AUDIT_FILTER_SHAPE).refine(rangeInOrder, RANGE_ERROR);
export type AuditFilterQuery = z.infer<typeof AuditExportQuerySchema>;

export const AuditActorSchema = z.object({
  type: z.enum(["user", "api_key"]).nullable().openapi({
    description: "null for actions without a signed-in actor (a failed sign-in, set-up, the system)",
  }),
  id: z.uuid().nullable().openapi({ description: "The user id, or the API key id when a key acted" }),
  label: z.string().nullable().openapi({
    description: "Who the actor was at the time (e-mail of the user or of the key's owner)",
    example: "ada@example.com",
  }),
}).openapi("AuditActor");

export const AuditSchema = z.object({
  id: z.uuid(),
  seq: z.number().int().openapi({ description: "Position in the tenant's hash chain, from 1, gap-free", example: 42 }),
  actor: AuditActorSchema,
  action: z.string().openapi({ example: "user.update" }),
  resource_type: z.string().openapi({ example: "user" }),
  resource_id: z.string().nullable().openapi({ example: "7c9e6679-7425-40de-944b-e07fc1f90ae7" }),
  ip: z.string().nullable().openapi({ example: "203.0.113.7" }),
  user_agent: z.string().nullable().openapi({ example: "Mozilla/5.0" }),
  details: z.record(z.string(), z.unknown()).openapi({
    description: "`before` and `after` for changes (secrets redacted), plus anything else recorded",
    example: { before: { role: "employee" }, after: { role: "admin" } },
  }),
  created_at: z.string().openapi({ format: "date-time", example: "2025-05-03T14:22:05.120Z" }),
}).openapi("Audit");

export type AuditView = z.infer<typeof AuditSchema>;
