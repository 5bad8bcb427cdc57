/** Badges and wording for approvals, shared by the inbox and a request's page. */
import type { ApprovalPriority, ApprovalStatus, ApprovalType } from "../../db/queries/approvals.ts";

export const STATUS_BADGE: Record<ApprovalStatus, string> = {
  pending: "badge-pending",
  approved: "badge-up",
  rejected: "badge-down",
  completed: "badge-closed",
  expired: "badge-closed",
};

export const PRIORITY_BADGE: Record<ApprovalPriority, string> = {
  low: "priority-low",
  normal: "priority-normal",
  high: "priority-high",
  critical: "priority-critical",
};

export const TYPE_LABEL: Record<ApprovalType, string> = {
  deployment: "Deploy gate",
  access: "Access",
  general: "General",
  change_request: "Change request",
};
