import { useContext } from "preact/hooks";
import type { ClientRow } from "../../db/queries/clients.ts";
import { CsrfField } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";

/** The confirmation before deleting a client for good; refused outright while anything depends on it. */
export function ClientDeletePage({ client, blockers }: { client: ClientRow; blockers: string[] }) {
  const { csrfToken } = useContext(PageContext);
  return (
    <Layout title={`Delete ${client.name}`}>
      <hgroup>
        <h1>Delete {client.name}?</h1>
        <p>Deleting is permanent. Archiving keeps the client and its history, and can be undone.</p>
      </hgroup>
      {blockers.length
        ? (
          <article class="notice notice-error">
            <p>
              <strong>{client.name} cannot be deleted:</strong> it still has{" "}
              {blockers.join(" and ")}. Move or delete those first, or archive the client instead.
            </p>
          </article>
        )
        : (
          <article>
            <p>
              What goes with it: the client's name and settings. Nothing else refers to it. Its audit history stays in
              the <a href="/audits">audit log</a>.
            </p>
            <form method="post" action={`/clients/${client.id}/delete`} class="form-actions catalog-buttons">
              <CsrfField token={csrfToken} />
              <button type="submit" class="contrast">Delete {client.name} permanently</button>
            </form>
          </article>
        )}
      <div class="form-actions catalog-buttons">
        {client.archived_at === null && (
          <form method="post" action={`/clients/${client.id}/archive`} class="inline-form">
            <CsrfField token={csrfToken} />
            <button type="submit" class="secondary">Archive instead</button>
          </form>
        )}
        <a href={`/clients/${client.id}`} role="button" class="outline">Cancel</a>
      </div>
    </Layout>
  );
}
