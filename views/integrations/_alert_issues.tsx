import { useContext } from "preact/hooks";
import type { AlertIssuePanel } from "../../services/integrations/linear/issues.ts";
import { CsrfField } from "../components/form_field.tsx";
import { PageContext } from "../page_context.ts";

/** The alert page's issues: links to what was filed, and "Create Linear issue" where one can be filed. */
export function AlertIssues({ alertId, panel, canAct }: { alertId: string; panel: AlertIssuePanel; canAct: boolean }) {
  const { csrfToken } = useContext(PageContext);
  const filed = new Set(panel.issues.map((l) => l.integration_id));
  const open = panel.targets.filter((t) => !filed.has(t.id));
  if (panel.issues.length === 0 && (!canAct || open.length === 0)) return null;
  return (
    <section aria-labelledby="alert-issues">
      <h2 id="alert-issues">Issues</h2>
      {panel.issues.length > 0 && (
        <ul>
          {panel.issues.map((l) => (
            <li key={l.id}>
              <a href={l.external_url} rel="noopener noreferrer" target="_blank">{l.external_key ?? l.external_id}</a>
              {" "}
              <small class="muted">{l.platform}{l.state ? `, ${l.state}` : ""}</small>
            </li>
          ))}
        </ul>
      )}
      {canAct && open.map((t) => (
        <form key={t.id} method="post" action={`/alerts/${alertId}/issues`}>
          <CsrfField token={csrfToken} />
          <input type="hidden" name="integration_id" value={t.id} />
          <button type="submit" class="secondary">Create Linear issue{open.length > 1 ? ` in ${t.name}` : ""}</button>
        </form>
      ))}
    </section>
  );
}
