import type { DriveDocument } from "../../db/queries/drive_documents.ts";
import { Time } from "../components/time.tsx";

const STATE_TEXT = {
  trashed: "In Drive's bin",
  missing: "Missing from Drive",
} as const;

/**
 * A Drive file as the Google integration last read it: its title (linking to
 * Drive's own page), Drive's modified time and when Opsdeck last refreshed
 * it; a trashed or missing file says so. Before any read (no Google
 * integration, or not yet synced) only the link by id shows.
 */
export function DriveDocumentFacts(
  { doc, fallbackUrl, label }: { doc: DriveDocument | null; fallbackUrl: string; label: string },
) {
  if (!doc) {
    return (
      <span class="drive-doc">
        <a href={fallbackUrl} target="_blank" rel="noopener noreferrer" aria-label={`${label} in Google Drive`}>
          Drive ↗
        </a>
        <small class="muted">not read from Drive yet</small>
      </span>
    );
  }
  const href = doc.web_view_link ?? fallbackUrl;
  return (
    <span class="drive-doc">
      <a
        href={href}
        target="_blank"
        rel="noopener noreferrer"
        aria-label={doc.title ? `${doc.title}, ${label} in Google Drive` : `${label} in Google Drive`}
      >
        {doc.title ?? "Drive"} ↗
      </a>
      {doc.state !== "ok" && <span class="badge badge-down">{STATE_TEXT[doc.state]}</span>}
      <small class="muted">
        {doc.modified_at && (
          <>
            modified <Time at={doc.modified_at} />
            {" · "}
          </>
        )}
        last refreshed <Time at={doc.refreshed_at} relative />
      </small>
      {doc.last_error && <small class="field-error">Last refresh failed: {doc.last_error}</small>}
    </span>
  );
}
