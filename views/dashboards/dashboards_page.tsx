import { Csrf } from "./_csrf.tsx";
import type { DashboardRow } from "../../db/queries/dashboards.ts";
import type { FieldErrors } from "../components/form_field.tsx";
import { FieldError, FormField, invalid } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";

export interface DashboardsPageProps {
  rows: (DashboardRow & { widget_count: number })[];
  search: string;
  shared: boolean;
  canWrite: boolean;
  values?: { name?: string; description?: string; tags?: string };
  errors?: FieldErrors;
}

/** Dashboards the caller may see, a search, "shared with me", and the form to start one. */
export function DashboardsPage({ rows, search, shared, canWrite, values, errors }: DashboardsPageProps) {
  return (
    <Layout title="Dashboards">
      <hgroup>
        <h1>Dashboards</h1>
        <p>Your own views over checks, uptime, deployments, alerts, metrics and saved queries.</p>
      </hgroup>
      <form method="get" action="/dashboards" class="dash-search" role="search">
        <input type="search" name="q" value={search} placeholder="Name, description or tag" aria-label="Search" />
        <label>
          <input type="checkbox" name="shared" value="1" checked={shared} /> Shared with me
        </label>
        <button type="submit" class="secondary">Search</button>
      </form>
      {rows.length === 0 ? <p class="empty-state">No dashboards yet.</p> : (
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Tags</th>
                <th scope="col">Widgets</th>
                <th scope="col">Public</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>
                    <a href={`/dashboards/${row.id}`}>{row.name}</a>
                    {row.description && <small class="muted block">{row.description}</small>}
                  </td>
                  <td>{row.tags.join(", ")}</td>
                  <td>{row.widget_count}</td>
                  <td>{row.is_public ? "yes" : "no"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canWrite && (
        <section>
          <h2>New dashboard</h2>
          <form method="post" action="/dashboards">
            <Csrf />
            <FormField name="name" label="Name" value={values?.name} errors={errors} required maxLength={200} />
            <label>
              Description
              <textarea name="description" maxLength={2000} {...invalid("description", errors)}>
                {values?.description}
              </textarea>
              <FieldError name="description" errors={errors} />
            </label>
            <FormField name="tags" label="Tags (comma separated)" value={values?.tags} errors={errors} />
            <button type="submit">Create dashboard</button>
          </form>
        </section>
      )}
    </Layout>
  );
}
