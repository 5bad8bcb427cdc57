import type { SystemStatus } from "../../services/system/status.ts";

/** Rendered in the page and alone for its htmx poll (`GET /ui/status`). */
export function StatusPanel({ status }: { status: SystemStatus }) {
  return (
    <section
      id="status-panel"
      class="status-panel"
      hx-get="/ui/status"
      hx-trigger="every 15s"
      hx-swap="outerHTML"
      aria-live="polite"
    >
      <div class="stats">
        {status.counts.map((c) => (
          <article key={c.label} class="stat">
            <span class="stat-value">{c.value.toLocaleString("en")}</span>
            <span class="stat-label">{c.label}</span>
          </article>
        ))}
      </div>
      <dl class="status-list">
        <div>
          <dt>Database</dt>
          <dd>
            <span class={`badge ${status.migrations.ok ? "badge-up" : "badge-down"}`}>
              {status.migrations.ok ? "ready" : "not ready"}
            </span>{" "}
            {status.database.kind === "embedded" ? "Embedded" : "External"} PostgreSQL {status.database.version}
            {status.database.dataDir && <small class="muted">· data in {status.database.dataDir}</small>}
          </dd>
        </div>
        <div>
          <dt>Schema</dt>
          <dd>{status.migrations.detail}</dd>
        </div>
        <div>
          <dt>Process up</dt>
          <dd>{formatDuration(status.uptimeSeconds)}</dd>
        </div>
        <div>
          <dt>Checked</dt>
          <dd>
            <time datetime={status.checkedAt}>{status.checkedAt.slice(11, 19)} UTC</time>
          </dd>
        </div>
      </dl>
    </section>
  );
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.floor(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86400)} d ${Math.floor((seconds % 86400) / 3600)} h`;
}
