/** Request and response shapes for change requests: one schema for the API and the pages. */
import { z } from "@hono/zod-openapi";
import { CHANGE_REQUEST_STATUSES, type ChangeRequestRow, PRIORITIES } from "../../db/queries/change_requests.ts";
import { PageQuerySchema } from "../platform/pagination.ts";
import { DocumentUrl, DriveDocumentSchema, DriveId, driveUrl } from "../sows/documents.ts";

const Title = z.string().trim().min(1).max(200).openapi({ example: "Add single sign-on to the staff portal" });
const Description = z.string().trim().max(20000).openapi({
  example: "Staff should sign in with their Google accounts; password sign-in stays for contractors.",
});
const Priority = z.enum(PRIORITIES).openapi({ example: "high" });
const SowId = z.uuid().openapi({ description: "A statement of work of the same project this request falls under" });

export const CreateChangeRequestSchema = z.strictObject({
  project_id: z.uuid().openapi({ example: "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19" }),
  title: Title,
  description: Description.nullable().optional(),
  priority: Priority.optional().openapi({ description: "Defaults to `normal`" }),
  document_url: DocumentUrl.nullable().optional(),
  drive_id: DriveId.nullable().optional(),
  sow_id: SowId.nullable().optional(),
}).openapi("ChangeRequestCreate");
export type CreateChangeRequestInput = z.infer<typeof CreateChangeRequestSchema>;

export const UpdateChangeRequestSchema = z.strictObject({
  title: Title.optional(),
  description: Description.nullable().optional(),
  priority: Priority.optional(),
  document_url: DocumentUrl.nullable().optional(),
  drive_id: DriveId.nullable().optional(),
  sow_id: SowId.nullable().optional(),
}).openapi("ChangeRequestUpdate");
export type UpdateChangeRequestInput = z.infer<typeof UpdateChangeRequestSchema>;

export const DecisionSchema = z.strictObject({
  comment: z.string().trim().max(5000).optional().openapi({
    description: "Why; shown to the requester and sent with the `change_request.decided` event",
    example: "Approved for the March release; billed under phase 1.",
  }),
}).openapi("ChangeRequestDecision");
export type DecisionInput = z.infer<typeof DecisionSchema>;

export const ListChangeRequestsQuerySchema = PageQuerySchema.extend({
  project_id: z.uuid().optional(),
  status: z.enum(CHANGE_REQUEST_STATUSES).optional(),
  priority: z.enum(PRIORITIES).optional(),
});
export type ListChangeRequestsQuery = z.infer<typeof ListChangeRequestsQuerySchema>;

const Time = z.string().openapi({ format: "date-time", example: "2025-03-01T09:30:00.000Z" });
const NullableTime = z.string().nullable().openapi({ format: "date-time" });

export const ChangeRequestSchema = z.object({
  id: z.uuid(),
  project_id: z.uuid(),
  project_name: z.string().openapi({ example: "Acme storefront" }),
  sow_id: z.uuid().nullable(),
  sow_name: z.string().nullable().openapi({ example: "Phase 1: storefront relaunch" }),
  title: z.string().openapi({ example: "Add single sign-on to the staff portal" }),
  description: z.string().nullable(),
  status: z.enum(CHANGE_REQUEST_STATUSES).openapi({ example: "pending" }),
  priority: z.enum(PRIORITIES).openapi({ example: "high" }),
  document_url: z.string().nullable(),
  drive_id: z.string().nullable(),
  drive_url: z.string().nullable(),
  drive_document: DriveDocumentSchema,
  requested_by: z.uuid(),
  requested_by_name: z.string().openapi({ example: "Carol" }),
  approver_id: z.uuid().nullable().openapi({ description: "Who approved or rejected it" }),
  approver_name: z.string().nullable(),
  decision_comment: z.string().nullable(),
  decided_at: NullableTime,
  resolved_at: NullableTime,
  created_at: Time,
  updated_at: Time,
}).openapi("ChangeRequest");
export type ChangeRequestJson = z.infer<typeof ChangeRequestSchema>;

export function changeRequestJson(r: ChangeRequestRow): ChangeRequestJson {
  return {
    id: r.id,
    project_id: r.project_id,
    project_name: r.project_name,
    sow_id: r.sow_id,
    sow_name: r.sow_name,
    title: r.title,
    description: r.description,
    status: r.status,
    priority: r.priority,
    document_url: r.document_url,
    drive_id: r.drive_id,
    drive_url: driveUrl(r.drive_id),
    drive_document: r.drive_document,
    requested_by: r.requested_by,
    requested_by_name: r.requester_name,
    approver_id: r.approver_id,
    approver_name: r.approver_name,
    decision_comment: r.decision_comment,
    decided_at: r.decided_at?.toISOString() ?? null,
    resolved_at: r.resolved_at?.toISOString() ?? null,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}
