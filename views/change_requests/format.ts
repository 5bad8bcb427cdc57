/** Badges and wording for change requests, shared by the tab, the rows and the request's page. */
import type { ChangeRequestStatus, Priority } from "../../db/queries/change_requests.ts";

export const CR_STATUS_BADGE: Record<ChangeRequestStatus, string> = {
  pending: "badge-pending",
  approved: "badge-up",
  rejected: "badge-down",
  completed: "badge-closed",
};

export const PRIORITY_BADGE: Record<Priority, string> = {
  low: "priority-low",
  normal: "priority-normal",
  high: "priority-high",
  critical: "priority-critical",
};

/** What a timeline entry says happened, by audit action. */
export const TIMELINE_VERB: Record<string, string> = {
  "change_request.create": "filed the request",
  "change_request.update": "edited",
  "change_request.approve": "approved it",
  "change_request.reject": "rejected it",
  "change_request.complete": "marked it completed",
  "change_request.expire": "closed it: nobody decided in time",
};
