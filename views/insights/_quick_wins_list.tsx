/** Quick wins as cards: what, why, how much it saves; with write access the page that fixes it and the decisions. */
import { useContext } from "preact/hooks";
import type { QuickWinRow } from "../../db/queries/quick_wins.ts";
import { CsrfField } from "../components/form_field.tsx";
import { PageContext } from "../page_context.ts";

const IMPACT_BADGE = { high: "badge-down", medium: "badge-degraded", low: "badge-up" } as const;

function Decision({ win, back }: { win: QuickWinRow; back: string }) {
  const { csrfToken } = useContext(PageContext);
  const action = `/insights/quick-wins/${win.id}/decision`;
  if (win.status !== "open") {
    return (
      <form method="post" action={action} class="inline-form">
        <CsrfField token={csrfToken} />
        <input type="hidden" name="back" value={back} />
        <input type="hidden" name="status" value="open" />
        <button type="submit" class="secondary outline">Re-open</button>
      </form>
    );
  }
  return (
    <div class="quick-win-actions">
      <form method="post" action={action} class="inline-form">
        <CsrfField token={csrfToken} />
        <input type="hidden" name="back" value={back} />
        <input type="hidden" name="status" value="completed" />
        <button type="submit" class="secondary">Mark done</button>
      </form>
      <details>
        <summary>Dismiss</summary>
        <form method="post" action={action}>
          <CsrfField token={csrfToken} />
          <input type="hidden" name="back" value={back} />
          <input type="hidden" name="status" value="dismissed" />
          <label>
            Why is it not worth doing?
            <input name="reason" required maxLength={500} />
          </label>
          <button type="submit" class="secondary outline">Dismiss</button>
        </form>
      </details>
    </div>
  );
}

export function QuickWinsList({ wins, canDecide, back, empty }: {
  wins: QuickWinRow[];
  canDecide: boolean;
  back: string;
  empty?: string;
}) {
  if (wins.length === 0) return <p class="muted">{empty ?? "Nothing to fix: every rule is satisfied."}</p>;
  return (
    <div class="cards quick-wins">
      {wins.map((w) => (
        <article key={w.id} class="card quick-win" data-rule={w.rule}>
          <h3>{w.title}</h3>
          <p>{w.description}</p>
          <p>
            <span class={`badge ${IMPACT_BADGE[w.impact as keyof typeof IMPACT_BADGE]}`}>{w.impact} impact</span>{" "}
            <span class="badge badge-closed">{w.effort} effort</span>{" "}
            <span class="badge badge-closed">{w.category}</span>{" "}
            <small class="muted">saves ~{w.estimated_minutes_saved} min a month</small>
            {w.project_name && <small class="muted">· {w.project_name}</small>}
            {w.status !== "open" && (
              <small class="muted">· {w.status}{w.dismiss_reason && `: ${w.dismiss_reason}`}</small>
            )}
          </p>
          <footer>
            {canDecide && w.fix_path && <a href={w.fix_path} role="button" class="fix-link">Fix it</a>}
            {canDecide && <Decision win={w} back={back} />}
          </footer>
        </article>
      ))}
    </div>
  );
}
