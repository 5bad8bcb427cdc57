/** Request and response shapes for approvals: one schema for the API and the pages. */
import { z } from "@hono/zod-openapi";
import {
  APPROVAL_PRIORITIES,
  APPROVAL_STATUSES,
  APPROVAL_TYPES,
  type ApprovalCommentRow,
  type ApprovalPolicyRow,
  type ApprovalRow,
} from "../../db/queries/approvals.ts";
import { PageQuerySchema } from "../platform/pagination.ts";

const Comment = z.string().trim().min(1, "is required").max(5000, "must be at most 5000 characters");
const Priority = z.enum(APPROVAL_PRIORITIES).openapi({ example: "high" });

/** A general request: anything a team wants a second person to sign off. */
export const CreateApprovalSchema = z.strictObject({
  title: z.string().trim().min(1, "is required").max(300, "must be at most 300 characters")
    .openapi({ example: "Rotate the production database password" }),
  priority: Priority.optional().openapi({ description: "Defaults to `normal`" }),
  approver_id: z.uuid().optional().openapi({
    description: "Ask one person; without it, anyone holding the policy's approver role may decide",
  }),
  details: z.record(z.string(), z.unknown()).optional().openapi({ example: { reason: "Quarterly rotation" } }),
}).openapi("ApprovalCreate");
export type CreateApprovalInput = z.infer<typeof CreateApprovalSchema>;

export const DecisionSchema = z.strictObject({
  comment: z.string().trim().max(5000, "must be at most 5000 characters").optional().openapi({
    description: "Why; shown on the request and sent with `approval.decided`",
    example: "Go ahead: the change window is open.",
  }),
}).openapi("ApprovalDecision");
export type DecisionInput = z.infer<typeof DecisionSchema>;

export const CommentSchema = z.strictObject({ body: Comment.openapi({ example: "Is the rollback tested?" }) })
  .openapi("ApprovalCommentCreate");
export type CommentInput = z.infer<typeof CommentSchema>;

export const ListApprovalsQuerySchema = PageQuerySchema.extend({
  status: z.enum(APPROVAL_STATUSES).optional(),
  type: z.enum(APPROVAL_TYPES).optional(),
  view: z.enum(["all", "mine", "to_decide"]).optional().openapi({
    description: "`mine`: requests I filed; `to_decide`: requests addressed to me or my role (not my own)",
  }),
});
export type ListApprovalsQuery = z.infer<typeof ListApprovalsQuerySchema>;

export const WaitQuerySchema = z.object({
  timeout_seconds: z.coerce.number().int().min(0).max(60).optional().openapi({
    description: "How long to hold the request while the approval is pending (capped below the server's request " +
      "timeout); 0 answers at once. Default 5.",
    example: 8,
  }),
});

const Time = z.string().openapi({ format: "date-time", example: "2026-03-01T09:30:00.000Z" });
const NullableTime = z.string().nullable().openapi({ format: "date-time" });

export const ApprovalSchema = z.object({
  id: z.uuid(),
  type: z.enum(APPROVAL_TYPES).openapi({ example: "deployment" }),
  title: z.string().openapi({ example: "Deploy 9f2c1e7 to production (storefront)" }),
  status: z.enum(APPROVAL_STATUSES).openapi({ example: "pending" }),
  priority: Priority,
  requester_id: z.uuid(),
  requester_name: z.string(),
  approver_id: z.uuid().nullable(),
  approver_name: z.string().nullable(),
  approver_role_id: z.uuid().nullable(),
  approver_role_name: z.string().nullable().openapi({ example: "admin" }),
  decided_by: z.uuid().nullable(),
  decided_by_name: z.string().nullable(),
  decision_comment: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  project_id: z.uuid().nullable(),
  deployment_id: z.uuid().nullable(),
  change_request_id: z.uuid().nullable().openapi({ description: "For `change_request`: the change request decided" }),
  expires_at: Time,
  decided_at: NullableTime,
  resolved_at: NullableTime,
  created_at: Time,
  updated_at: Time,
}).openapi("Approval");
export type ApprovalJson = z.infer<typeof ApprovalSchema>;

export function approvalJson(a: ApprovalRow): ApprovalJson {
  return {
    id: a.id,
    type: a.type,
    title: a.title,
    status: a.status,
    priority: a.priority,
    requester_id: a.requester_id,
    requester_name: a.requester_name,
    approver_id: a.approver_id,
    approver_name: a.approver_name,
    approver_role_id: a.approver_role_id,
    approver_role_name: a.approver_role_name,
    decided_by: a.decided_by,
    decided_by_name: a.decided_by_name,
    decision_comment: a.decision_comment,
    details: a.details,
    project_id: a.project_id,
    deployment_id: a.deployment_id,
    change_request_id: a.change_request_id,
    expires_at: a.expires_at.toISOString(),
    decided_at: a.decided_at?.toISOString() ?? null,
    resolved_at: a.resolved_at?.toISOString() ?? null,
    created_at: a.created_at.toISOString(),
    updated_at: a.updated_at.toISOString(),
  };
}

export const ApprovalCommentSchema = z.object({
  id: z.uuid(),
  author_id: z.uuid(),
  author_name: z.string(),
  body: z.string(),
  created_at: Time,
}).openapi("ApprovalComment");

export const commentJson = (c: ApprovalCommentRow) => ({ ...c, created_at: c.created_at.toISOString() });

export const PolicySchema = z.strictObject({
  type: z.enum(APPROVAL_TYPES),
  approver_role_id: z.uuid().nullable().openapi({ description: "Who decides; null: the built-in admin role" }),
  expires_after_minutes: z.number().int().min(5, "must be at least 5").max(43200, "must be at most 43200 (30 days)")
    .openapi({ example: 60 }),
}).openapi("ApprovalPolicy");
export type PolicyInput = z.infer<typeof PolicySchema>;
export const policyJson = (p: ApprovalPolicyRow): PolicyInput => p;

export const AccessRequestSchema = z.strictObject({
  role_id: z.uuid().optional().openapi({ description: "The role asked for (built-in or this organisation's)" }),
  data_source_id: z.uuid().optional().openapi({
    description: "Or: one data source to read, for someone whose role does not read data sources",
  }),
  reason: z.string().trim().min(1, "is required").max(2000, "must be at most 2000 characters")
    .openapi({ example: "I take over on-call from next week" }),
  priority: Priority.optional(),
}).refine((v) => (v.role_id === undefined) !== (v.data_source_id === undefined), {
  message: "give either a role or a data source",
  path: ["role_id"],
}).openapi("AccessRequestCreate");
export type AccessRequestInput = z.infer<typeof AccessRequestSchema>;
