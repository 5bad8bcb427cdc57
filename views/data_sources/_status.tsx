import type { DataSourceRow } from "../../db/queries/data_sources.ts";
import { timeIn } from "../components/time.tsx";

const BADGE = { connected: "badge-up", error: "badge-down", disconnected: "badge-degraded", pending: "" } as const;

/** A source's status with its last error and when it was last tested; replaced in place by "Test connection". */
export function SourceStatus({ row, timeZone }: { row: DataSourceRow; timeZone: string | null }) {
  return (
    <div id="source-status" role="status">
      <span class={`badge ${BADGE[row.status]}`}>{row.status}</span>{" "}
      {row.last_tested_at && <small>tested {timeIn(row.last_tested_at, timeZone)}</small>}
      {row.last_error && <p class="field-error">{row.last_error}</p>}
      {row.status === "connected" && typeof row.metadata.server_version === "string" && (
        <p>
          <small>{row.metadata.server_version}</small>
        </p>
      )}
    </div>
  );
}
