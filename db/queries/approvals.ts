import type { Sql } from "../client.ts";

export const APPROVAL_TYPES = ["deployment", "access", "general", "change_request"] as const;
export type ApprovalType = typeof APPROVAL_TYPES[number];
export const APPROVAL_STATUSES = ["pending", "approved", "rejected", "completed", "expired"] as const;
export type ApprovalStatus = typeof APPROVAL_STATUSES[number];
export const APPROVAL_PRIORITIES = ["low", "normal", "high", "critical"] as const;
export type ApprovalPriority = typeof APPROVAL_PRIORITIES[number];

export interface ApprovalRow {
  id: string;
  tenant_id: string;
  type: ApprovalType;
  title: string;
  requester_id: string;
  requester_name: string;
  approver_id: string | null;
  approver_name: string | null;
  approver_role_id: string | null;
  approver_role_name: string | null;
  priority: ApprovalPriority;
  details: Record<string, unknown>;
  status: ApprovalStatus;
  decided_by: string | null;
  decided_by_name: string | null;
  decision_comment: string | null;
  project_id: string | null;
  deployment_id: string | null;
  change_request_id: string | null;
  expires_at: Date;
  decided_at: Date | null;
  resolved_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const columns = (sql: Sql) =>
  sql`a.id, a.tenant_id, a.type, a.title, a.requester_id, coalesce(rq.name, rq.email) AS requester_name,
      a.approver_id, coalesce(ap.name, ap.email) AS approver_name, a.approver_role_id, r.name AS approver_role_name,
      a.priority, a.details, a.status, a.decided_by, coalesce(dc.name, dc.email) AS decided_by_name,
      a.decision_comment, a.project_id, a.deployment_id, a.change_request_id, a.expires_at, a.decided_at, a.resolved_at,
      a.created_at, a.updated_at`;

const from = (sql: Sql) =>
  sql`approvals a
      JOIN users rq ON rq.tenant_id = a.tenant_id AND rq.id = a.requester_id
      LEFT JOIN users ap ON ap.tenant_id = a.tenant_id AND ap.id = a.approver_id
      LEFT JOIN users dc ON dc.tenant_id = a.tenant_id AND dc.id = a.decided_by
      LEFT JOIN roles r ON r.id = a.approver_role_id`;

export interface ApprovalFilter {
  status?: ApprovalStatus;
  type?: ApprovalType;
  requesterId?: string;
  /** Requests this user may decide: addressed to them, or to their role. */
  decidableBy?: { userId: string; roleId: string };
  after?: [Date, string];
  limit: number;
}

/** Newest first; `limit + 1` rows for the next-page test. */
export async function listApprovals(sql: Sql, tenantId: string, f: ApprovalFilter): Promise<ApprovalRow[]> {
  return await sql<ApprovalRow[]>`
    SELECT ${columns(sql)} FROM ${from(sql)}
    WHERE a.tenant_id = ${tenantId}
      ${f.status ? sql`AND a.status = ${f.status}` : sql``}
      ${f.type ? sql`AND a.type = ${f.type}` : sql``}
      ${f.requesterId ? sql`AND a.requester_id = ${f.requesterId}` : sql``}
      ${
    f.decidableBy
      ? sql`AND a.requester_id <> ${f.decidableBy.userId} AND (a.approver_id = ${f.decidableBy.userId}
              OR (a.approver_id IS NULL AND a.approver_role_id = ${f.decidableBy.roleId}))`
      : sql``
  }
      ${f.after ? sql`AND (a.created_at, a.id) < (${f.after[0]}, ${f.after[1]}::uuid)` : sql``}
    ORDER BY a.created_at DESC, a.id DESC
    LIMIT ${f.limit + 1}`;
}

export async function getApproval(
  sql: Sql,
  tenantId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ApprovalRow | undefined> {
  const [row] = await sql<ApprovalRow[]>`
    SELECT ${columns(sql)} FROM ${from(sql)}
    WHERE a.tenant_id = ${tenantId} AND a.id = ${id}
    ${options.forUpdate ? sql`FOR UPDATE OF a` : sql``}`;
  return row;
}

/** A change request's approval (services/change_requests/workflow.ts decides through it). */
export async function getChangeRequestApproval(
  sql: Sql,
  tenantId: string,
  changeRequestId: string,
  options: { forUpdate?: boolean } = {},
): Promise<ApprovalRow | undefined> {
  const [row] = await sql<ApprovalRow[]>`
    SELECT ${columns(sql)} FROM ${from(sql)}
    WHERE a.tenant_id = ${tenantId} AND a.change_request_id = ${changeRequestId}
    ${options.forUpdate ? sql`FOR UPDATE OF a` : sql``}`;
  return row;
}

/** A pending change request's edit carries over to its pending approval. */
export async function syncChangeRequestApproval(
  sql: Sql,
  tenantId: string,
  changeRequestId: string,
  c: { title: string; priority: ApprovalPriority },
): Promise<void> {
  await sql`
    UPDATE approvals SET title = ${c.title}, priority = ${c.priority}
    WHERE tenant_id = ${tenantId} AND change_request_id = ${changeRequestId} AND status = 'pending'`;
}

export interface ApprovalInsert {
  tenantId: string;
  type: ApprovalType;
  title: string;
  requesterId: string;
  approverId: string | null;
  approverRoleId: string | null;
  priority: ApprovalPriority;
  details: Record<string, unknown>;
  projectId: string | null;
  deploymentId: string | null;
  changeRequestId: string | null;
  expiresAt: Date;
  now: Date;
}

export async function insertApproval(sql: Sql, a: ApprovalInsert): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO approvals (tenant_id, type, title, requester_id, approver_id, approver_role_id, priority, details,
                           project_id, deployment_id, change_request_id, expires_at, created_at, updated_at)
    VALUES (${a.tenantId}, ${a.type}, ${a.title}, ${a.requesterId}, ${a.approverId}, ${a.approverRoleId},
            ${a.priority}, ${sql.json(a.details as never)}, ${a.projectId}, ${a.deploymentId}, ${a.changeRequestId},
            ${a.expiresAt}, ${a.now}, ${a.now})
    RETURNING id`;
  return row.id;
}

/** pending → approved | rejected; false when it was no longer pending. */
export async function decideApprovalRow(
  sql: Sql,
  tenantId: string,
  id: string,
  d: { status: "approved" | "rejected"; by: string; comment: string | null; at: Date },
): Promise<boolean> {
  const rows = await sql`
    UPDATE approvals SET status = ${d.status}, decided_by = ${d.by}, decision_comment = ${d.comment},
      decided_at = ${d.at}, resolved_at = CASE WHEN ${d.status} = 'rejected' THEN ${d.at}::timestamptz END
    WHERE tenant_id = ${tenantId} AND id = ${id} AND status = 'pending'`;
  return rows.count === 1;
}

export async function expireApprovalRow(sql: Sql, tenantId: string, id: string, at: Date): Promise<boolean> {
  const rows = await sql`
    UPDATE approvals SET status = 'expired', resolved_at = ${at}
    WHERE tenant_id = ${tenantId} AND id = ${id} AND status = 'pending' AND expires_at <= ${at}`;
  return rows.count === 1;
}

export async function completeApprovalRow(sql: Sql, tenantId: string, id: string, at: Date): Promise<boolean> {
  const rows = await sql`
    UPDATE approvals SET status = 'completed', resolved_at = ${at}
    WHERE tenant_id = ${tenantId} AND id = ${id} AND status = 'approved'`;
  return rows.count === 1;
}

export interface ApprovalCommentRow {
  id: string;
  author_id: string;
  author_name: string;
  body: string;
  created_at: Date;
}

export async function listApprovalComments(sql: Sql, tenantId: string, id: string): Promise<ApprovalCommentRow[]> {
  return await sql<ApprovalCommentRow[]>`
    SELECT c.id, c.author_id, coalesce(u.name, u.email) AS author_name, c.body, c.created_at
    FROM approval_comments c JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.author_id
    WHERE c.tenant_id = ${tenantId} AND c.approval_id = ${id}
    ORDER BY c.created_at, c.id`;
}

export async function insertApprovalComment(
  sql: Sql,
  c: { tenantId: string; approvalId: string; authorId: string; body: string; now: Date },
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO approval_comments (tenant_id, approval_id, author_id, body, created_at)
    VALUES (${c.tenantId}, ${c.approvalId}, ${c.authorId}, ${c.body}, ${c.now})
    RETURNING id`;
  return row.id;
}

export interface ApprovalPolicyRow {
  type: ApprovalType;
  approver_role_id: string | null;
  expires_after_minutes: number;
}

export async function getApprovalPolicy(
  sql: Sql,
  tenantId: string,
  type: ApprovalType,
): Promise<ApprovalPolicyRow | undefined> {
  const [row] = await sql<ApprovalPolicyRow[]>`
    SELECT type, approver_role_id, expires_after_minutes FROM approval_policies
    WHERE tenant_id = ${tenantId} AND type = ${type}`;
  return row;
}

export async function listApprovalPolicies(sql: Sql, tenantId: string): Promise<ApprovalPolicyRow[]> {
  return await sql<ApprovalPolicyRow[]>`
    SELECT type, approver_role_id, expires_after_minutes FROM approval_policies
    WHERE tenant_id = ${tenantId} ORDER BY type`;
}

export async function upsertApprovalPolicy(sql: Sql, tenantId: string, p: ApprovalPolicyRow): Promise<void> {
  await sql`
    INSERT INTO approval_policies (tenant_id, type, approver_role_id, expires_after_minutes)
    VALUES (${tenantId}, ${p.type}, ${p.approver_role_id}, ${p.expires_after_minutes})
    ON CONFLICT (tenant_id, type) DO UPDATE
      SET approver_role_id = EXCLUDED.approver_role_id, expires_after_minutes = EXCLUDED.expires_after_minutes`;
}

/** Active users who may decide: the named approver, or the holders of the role; never the requester. */
export async function approverContacts(
  sql: Sql,
  a: Pick<ApprovalRow, "tenant_id" | "approver_id" | "approver_role_id" | "requester_id">,
): Promise<{ id: string; email: string; name: string | null }[]> {
  return await sql<{ id: string; email: string; name: string | null }[]>`
    SELECT id, email, name FROM users
    WHERE tenant_id = ${a.tenant_id} AND status = 'active' AND id <> ${a.requester_id}
      AND ${a.approver_id ? sql`id = ${a.approver_id}` : sql`role_id = ${a.approver_role_id}`}
    ORDER BY email
    LIMIT 50`;
}

/** The Slack message that announced a request (for a click on its buttons); looked up across tenants. */
export async function findApprovalSlackMessage(
  sql: Sql,
  slackChannel: string,
  ts: string,
): Promise<{ tenant_id: string; approval_id: string; channel_id: string } | undefined> {
  const [row] = await sql<{ tenant_id: string; approval_id: string; channel_id: string }[]>`
    SELECT tenant_id, approval_id, channel_id FROM approval_slack_messages
    WHERE slack_channel = ${slackChannel} AND ts = ${ts}`;
  return row;
}

export async function findApprovalSlackMessageFor(
  sql: Sql,
  tenantId: string,
  approvalId: string,
  channelId: string,
): Promise<{ slack_channel: string; ts: string } | undefined> {
  const [row] = await sql<{ slack_channel: string; ts: string }[]>`
    SELECT slack_channel, ts FROM approval_slack_messages
    WHERE tenant_id = ${tenantId} AND approval_id = ${approvalId} AND channel_id = ${channelId}`;
  return row;
}

export async function saveApprovalSlackMessage(
  sql: Sql,
  m: { tenantId: string; approvalId: string; channelId: string; slackChannel: string; ts: string; now: Date },
): Promise<void> {
  await sql`
    INSERT INTO approval_slack_messages (tenant_id, approval_id, channel_id, slack_channel, ts, created_at)
    VALUES (${m.tenantId}, ${m.approvalId}, ${m.channelId}, ${m.slackChannel}, ${m.ts}, ${m.now})
    ON CONFLICT (tenant_id, approval_id, channel_id) DO NOTHING`;
}

/** Pending requests past their expiry, across tenants (owner connection; the retention worker's sweep). */
export async function dueApprovals(sql: Sql, now: Date, limit: number): Promise<{ tenant_id: string; id: string }[]> {
  return await sql<{ tenant_id: string; id: string }[]>`
    SELECT tenant_id, id FROM approvals WHERE status = 'pending' AND expires_at <= ${now}
    ORDER BY expires_at LIMIT ${limit}`;
}
