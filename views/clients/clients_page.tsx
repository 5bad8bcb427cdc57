import { useContext } from "preact/hooks";
import type { ClientRow } from "../../db/queries/clients.ts";
import { CsrfField, type FieldErrors, FormField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { ClientTableRow } from "./_client_row.tsx";

export interface ClientsPageProps {
  clients: ClientRow[];
  nextCursor: string | null;
  q?: string;
  archived: boolean;
  canWrite: boolean;
  values?: { name?: string };
  errors?: FieldErrors;
  error?: string;
}

export function ClientsPage(props: ClientsPageProps) {
  const { clients, nextCursor, q, archived, canWrite } = props;
  const { csrfToken } = useContext(PageContext);
  const query = (extra: Record<string, string>) =>
    new URLSearchParams({ ...(q ? { q } : {}), ...(archived ? { archived: "true" } : {}), ...extra });
  return (
    <Layout title="Clients">
      <hgroup>
        <h1>Clients</h1>
        <p>
          The organisations you run projects for.
          {canWrite && (
            <>
              {" "}Many at once: <a href="/clients/import">import a CSV file</a>.
            </>
          )}
        </p>
      </hgroup>
      {props.error && <Notice kind="error">{props.error}</Notice>}
      <nav class="tabs" aria-label="Active or archived">
        <a href="/clients" aria-current={archived ? undefined : "page"}>Active</a>
        <a href="/clients?archived=true" aria-current={archived ? "page" : undefined}>Archived</a>
      </nav>
      <form method="get" action="/clients" role="search" class="catalog-search">
        {archived && <input type="hidden" name="archived" value="true" />}
        <input type="search" name="q" value={q} placeholder="Search clients" aria-label="Search clients" />
        <button type="submit" class="outline">Search</button>
      </form>
      {clients.length === 0
        ? (
          <p class="empty-state">
            {q
              ? `No ${archived ? "archived " : ""}client matches "${q}".`
              : archived
              ? "No archived clients."
              : "No clients yet." + (canWrite ? " Add the first one below, or import a CSV file." : "")}
          </p>
        )
        : (
          <div class="table-wrap">
            <table class="striped catalog-table">
              <thead>
                <tr>
                  <th scope="col">Client</th>
                  <th scope="col" class="catalog-number">Projects</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {clients.map((c) => <ClientTableRow key={c.id} client={c} canWrite={canWrite} />)}
              </tbody>
            </table>
          </div>
        )}
      {nextCursor && (
        <p>
          <a href={`/clients?${query({ cursor: nextCursor })}`}>More clients →</a>
        </p>
      )}
      {canWrite && !archived && (
        <section>
          <h2>Add a client</h2>
          <form method="post" action="/clients" class="catalog-form">
            <CsrfField token={csrfToken} />
            <FormField
              name="name"
              label="Name"
              value={props.values?.name}
              errors={props.errors}
              required
              maxLength={200}
            />
            <button type="submit">Add client</button>
          </form>
        </section>
      )}
    </Layout>
  );
}
