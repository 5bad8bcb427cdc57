import type { ResultItem } from "../../services/checks/history.ts";
import { formatLatency } from "./format.ts";
import { StatusDot } from "./board.tsx";

/**
 * Result rows plus, when there are older ones, a "Load more" row that htmx
 * replaces with the next page's rows (and its own "Load more"); without
 * JavaScript it is a link to the page with the cursor.
 */
export function ResultRows({ results, moreUrl, pageUrl }: {
  results: ResultItem[];
  /** The fragment of the next page (htmx), or null on the last page. */
  moreUrl: string | null;
  /** The same next page as a whole page, for browsers without JavaScript. */
  pageUrl: string | null;
}) {
  return (
    <>
      {results.map((r) => (
        <tr key={r.checked_at.toISOString()} class={`result-${r.status}`}>
          <td>
            <time datetime={r.checked_at.toISOString()}>
              {r.checked_at.toISOString().replace("T", " ").slice(0, 19)}
            </time>
          </td>
          <td>
            <StatusDot status={r.status} /> {r.status}
          </td>
          <td class="numeric">{formatLatency(r.latency_ms)}</td>
          <td class="numeric">{r.status_code ?? "—"}</td>
          <td class="result-detail">{r.detail ?? ""}</td>
        </tr>
      ))}
      {moreUrl && pageUrl && (
        <tr class="results-more">
          <td colSpan={5}>
            <a
              href={pageUrl}
              hx-get={moreUrl}
              hx-target="closest tr"
              hx-swap="outerHTML"
              role="button"
              class="outline small"
            >
              Load more
            </a>
          </td>
        </tr>
      )}
    </>
  );
}
