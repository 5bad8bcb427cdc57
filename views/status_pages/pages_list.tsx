import type { StatusPageRow } from "../../db/queries/status_pages.ts";
import type { FieldErrors } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { type PageFormValues, PageSettingsForm } from "./_page_form.tsx";

export interface StatusPagesListProps {
  rows: StatusPageRow[];
  clients: { id: string; name: string }[];
  canWrite: boolean;
  values?: PageFormValues;
  errors?: FieldErrors;
}

/** The organisation's status pages (a client user: their client's) and the form to add one. */
export function StatusPagesList({ rows, clients, canWrite, values, errors }: StatusPagesListProps) {
  const clientName = new Map(clients.map((c) => [c.id, c.name]));
  return (
    <Layout title="Status pages">
      <hgroup>
        <h1>Status pages</h1>
        <p>Public pages for clients: components, uptime, incidents and maintenance.</p>
      </hgroup>
      {rows.length === 0 ? <p class="empty-state">No status pages yet.</p> : (
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">For</th>
                <th scope="col">Public address</th>
                <th scope="col">Published</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <a href={`/status-pages/${r.id}`}>{r.title}</a>
                  </td>
                  <td>{r.client_id ? clientName.get(r.client_id) ?? "a client" : "Everyone"}</td>
                  <td>
                    <a href={`/status/${r.slug}`}>/status/{r.slug}</a>
                    {r.custom_domain && <small class="muted">{r.custom_domain}</small>}
                  </td>
                  <td>{r.published ? "yes" : "no"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canWrite && (
        <section>
          <h2>New status page</h2>
          <PageSettingsForm action="/status-pages" clients={clients} values={values} errors={errors} />
        </section>
      )}
    </Layout>
  );
}
