import { Csrf } from "./_csrf.tsx";
import type { VersionRow } from "../../db/queries/dashboards.ts";
import type { WidgetChange } from "../../services/dashboards/snapshot.ts";
import { Layout } from "../layouts/layout.tsx";
import { timeIn } from "../components/time.tsx";

/** Every save, newest first, with what changed widget by widget; publish or restore one. */
export function VersionsPage(
  { dashboardId, name, versions, changes, published, canEdit, timeZone }: {
    dashboardId: string;
    name: string;
    versions: VersionRow[];
    changes: Map<number, WidgetChange[]>;
    published: number | null;
    canEdit: boolean;
    timeZone: string | null;
  },
) {
  return (
    <Layout title={`Versions of ${name}`}>
      <hgroup>
        <h1>Versions</h1>
        <p>
          <a href={`/dashboards/${dashboardId}`}>{name}</a>
        </p>
      </hgroup>
      <ol class="dash-versions" reversed>
        {versions.map((v) => (
          <li key={v.version}>
            <strong>v{v.version}</strong> {timeIn(v.created_at, timeZone)} {v.author && <small>by {v.author}</small>}
            {published === v.version && <mark>published</mark>}
            <ul>
              {(changes.get(v.version) ?? []).map((c) => <li key={c.id}>{c.change}: {c.title}</li>)}
            </ul>
            {canEdit && (
              <div class="row-actions">
                <form method="post" action={`/dashboards/${dashboardId}/versions/${v.version}/publish`}>
                  <Csrf />
                  <button type="submit" class="secondary outline">Publish</button>
                </form>
                <form method="post" action={`/dashboards/${dashboardId}/versions/${v.version}/restore`}>
                  <Csrf />
                  <button type="submit" class="secondary outline">Restore</button>
                </form>
              </div>
            )}
          </li>
        ))}
      </ol>
    </Layout>
  );
}
