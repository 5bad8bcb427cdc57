/** Warnings where nothing will notify anyone: on a check's page, above the board, on the overview. */
import { GAP_TEXT, type NotifyGap } from "../../services/notifications/coverage.ts";

/** One check's page: why its going down reaches nobody, and where to fix it. */
export function NotifyGapNotice({ gap, checkId }: { gap: NotifyGap; checkId: string }) {
  const { text, fix, href } = GAP_TEXT[gap];
  return (
    <p class="notice notice-warning notify-gap" role="status" data-gap={gap}>
      <strong>Nobody will be told when this check goes down:</strong> {text}.{" "}
      <a href={href || `/checks/${checkId}/edit#notify`}>{fix}</a>
    </p>
  );
}

/** Several checks (the board's page, the overview): each named, with its reason. */
export function NotifyGapList(
  { gaps, more = 0 }: { gaps: { id: string; name: string; gap: NotifyGap }[]; more?: number },
) {
  if (gaps.length === 0) return null;
  const total = gaps.length + more;
  return (
    <div class="notice notice-warning notify-gaps" role="status">
      <strong>
        {total === 1
          ? "1 check notifies nobody when it goes down:"
          : `${total} checks notify nobody when they go down:`}
      </strong>
      <ul>
        {gaps.map((g) => (
          <li key={g.id} data-gap={g.gap}>
            <a href={`/checks/${g.id}`}>{g.name}</a>: {GAP_TEXT[g.gap].text} (
            <a href={GAP_TEXT[g.gap].href || `/checks/${g.id}/edit#notify`}>{GAP_TEXT[g.gap].fix.toLowerCase()}</a>)
          </li>
        ))}
        {more > 0 && <li>and {more} more</li>}
      </ul>
    </div>
  );
}
