import { useContext } from "preact/hooks";
import { CsrfField } from "../components/form_field.tsx";
import { PageContext } from "../page_context.ts";

/** The alert page's one click: an incident on every status page showing the alert's check. */
export function OpenIncidentButton({ alertId }: { alertId: string }) {
  const { csrfToken } = useContext(PageContext);
  return (
    <form method="post" action={`/alerts/${alertId}/incident`} class="inline-form">
      <CsrfField token={csrfToken} />
      <button type="submit" class="secondary">Open incident on status pages</button>
    </form>
  );
}
