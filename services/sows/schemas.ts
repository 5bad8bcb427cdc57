/** Request and response shapes for statements of work: one schema for the API and the pages. */
import { z } from "@hono/zod-openapi";
import { SOW_STATUSES, type SowRow } from "../../db/queries/sows.ts";
import { PageQuerySchema } from "../platform/pagination.ts";
import { DocumentUrl, DriveDocumentSchema, DriveId, driveUrl } from "./documents.ts";

const Name = z.string().trim().min(1).max(200).openapi({ example: "Phase 1: storefront relaunch" });
const Status = z.enum(SOW_STATUSES).openapi({
  description: "Moves forward only: draft → signed → active → closed (steps may be skipped); closed is final",
  example: "draft",
});
const Day = (example: string) => z.iso.date().openapi({ description: "A calendar date, YYYY-MM-DD", example });
/** Money as a decimal string, so no amount ever passes through a binary float. */
const Value = z.string().trim().regex(/^\d{1,12}(\.\d{1,2})?$/, {
  message: "must be an amount like 12500 or 12500.00 (at most 12 digits before the point, 2 after)",
}).overwrite(normalizeAmount).openapi({ description: "Contract value, a decimal string", example: "12500.00" });
const Currency = z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, {
  message: "must be a three-letter ISO 4217 code such as EUR",
}).openapi({ example: "EUR" });

/** "012500.5" → "12500.50": the form PostgreSQL returns numeric(14,2) in, so an unchanged value compares equal. */
function normalizeAmount(amount: string): string {
  const [whole, fraction = ""] = amount.split(".");
  return `${BigInt(whole)}.${fraction.padEnd(2, "0")}`;
}

/** Optional fields may also be sent as null, which reads as "not set" on create and "clear it" on update. */
const optionalFields = {
  document_url: DocumentUrl.nullable().optional(),
  drive_id: DriveId.nullable().optional(),
  signed_on: Day("2025-03-01").nullable().optional(),
  starts_on: Day("2025-03-15").nullable().optional(),
  ends_on: Day("2025-09-30").nullable().optional(),
  value: Value.nullable().optional(),
  currency: Currency.nullable().optional(),
};

export const CreateSowSchema = z.strictObject({
  project_id: z.uuid().openapi({ example: "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19" }),
  name: Name,
  status: Status.optional(),
  ...optionalFields,
}).openapi("SowCreate");
export type CreateSowInput = z.infer<typeof CreateSowSchema>;

export const UpdateSowSchema = z.strictObject({
  name: Name.optional(),
  status: Status.optional(),
  ...optionalFields,
}).openapi("SowUpdate");
export type UpdateSowInput = z.infer<typeof UpdateSowSchema>;

export const ListSowsQuerySchema = PageQuerySchema.extend({
  project_id: z.uuid().optional(),
  status: z.enum(SOW_STATUSES).optional(),
});
export type ListSowsQuery = z.infer<typeof ListSowsQuerySchema>;

const Time = z.string().openapi({ format: "date-time", example: "2025-03-01T09:30:00.000Z" });
const NullableDay = z.string().nullable().openapi({ format: "date" });

export const SowSchema = z.object({
  id: z.uuid(),
  project_id: z.uuid(),
  project_name: z.string().openapi({ example: "Acme storefront" }),
  name: z.string().openapi({ example: "Phase 1: storefront relaunch" }),
  status: z.enum(SOW_STATUSES),
  document_url: z.string().nullable(),
  drive_id: z.string().nullable(),
  drive_url: z.string().nullable().openapi({
    example: "https://drive.google.com/open?id=1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvW",
  }),
  drive_document: DriveDocumentSchema,
  signed_on: NullableDay,
  starts_on: NullableDay,
  ends_on: NullableDay,
  value: z.string().nullable().openapi({ example: "12500.00" }),
  currency: z.string().nullable().openapi({ example: "EUR" }),
  change_request_count: z.number().int().openapi({ description: "Change requests filed under this SOW" }),
  created_at: Time,
  updated_at: Time,
}).openapi("Sow");

export function sowJson(s: SowRow): z.infer<typeof SowSchema> {
  return {
    id: s.id,
    project_id: s.project_id,
    project_name: s.project_name,
    name: s.name,
    status: s.status,
    document_url: s.document_url,
    drive_id: s.drive_id,
    drive_url: driveUrl(s.drive_id),
    drive_document: s.drive_document,
    signed_on: s.signed_on,
    starts_on: s.starts_on,
    ends_on: s.ends_on,
    value: s.value,
    currency: s.currency,
    change_request_count: s.change_request_count,
    created_at: s.created_at.toISOString(),
    updated_at: s.updated_at.toISOString(),
  };
}
