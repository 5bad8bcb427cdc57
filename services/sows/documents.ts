/** Document references shared by SOWs and change requests: a link, or a Google Drive file id. */
import { z } from "@hono/zod-openapi";
import { DRIVE_STATES } from "../../db/queries/drive_documents.ts";

export const DocumentUrl = z.url({ protocol: /^https?$/ }).max(2048).openapi({
  description: "Link to the document (http or https)",
  example: "https://docs.example.com/acme/sow-2025-phase-1.pdf",
});

/** Drive ids are URL-safe base64-ish tokens; anything else cannot be a Drive file and is refused. */
export const DriveId = z.string().trim().regex(/^[A-Za-z0-9_-]{10,200}$/, {
  message: "must be a Google Drive file id (letters, digits, - and _)",
}).openapi({
  description: "Google Drive file id; shown as a link to https://drive.google.com/open?id=…",
  example: "1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvW",
});

/** The Drive link for a file id (the id is checked by `DriveId` on the way in). */
export function driveUrl(driveId: string | null): string | null {
  return driveId ? `https://drive.google.com/open?id=${encodeURIComponent(driveId)}` : null;
}

/** What Opsdeck last read of a Drive file through a connected Google integration (null until it has). */
export const DriveDocumentSchema = z.object({
  state: z.enum(DRIVE_STATES).openapi({
    description: "ok; trashed (in Drive's bin); missing (deleted, or not shared with the connected account)",
  }),
  title: z.string().nullable().openapi({ example: "SOW 2025 phase 1" }),
  web_view_link: z.string().nullable().openapi({ example: "https://docs.google.com/document/d/1A2b3C4d5E6f/edit" }),
  mime_type: z.string().nullable().openapi({ example: "application/vnd.google-apps.document" }),
  modified_at: z.string().nullable().openapi({ format: "date-time", description: "Drive's modifiedTime" }),
  refreshed_at: z.string().openapi({ format: "date-time", description: "When Opsdeck last read it" }),
  last_error: z.string().nullable().openapi({ description: "The last read's failure, if it failed (facts kept)" }),
}).nullable().openapi("DriveDocument");
