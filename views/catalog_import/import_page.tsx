import { useContext } from "preact/hooks";
import type { ImportPlan } from "../../services/catalog_import/plan.ts";
import { CATALOG_CSV_EXAMPLE } from "../../services/catalog_import/schemas.ts";
import { CsrfField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";

export interface ImportPageProps {
  csv?: string;
  /** The dry run's answer, after "Preview" (or a refused "Import"). */
  plan?: ImportPlan;
  imported?: { clients: number; projects: number };
  error?: string;
}

/** Paste or upload a CSV file, preview what it would create and what is wrong, then import it all at once. */
export function ImportPage({ csv, plan, imported, error }: ImportPageProps) {
  const { csrfToken } = useContext(PageContext);
  const ready = plan && plan.errors.length === 0 && (plan.clients.length > 0 || plan.projects.length > 0);
  return (
    <Layout title="Import clients and projects">
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/clients">Clients</a>
          </li>
          <li>Import</li>
        </ul>
      </nav>
      <hgroup>
        <h1>Import clients and projects</h1>
        <p>Preview first: nothing is stored until you import, and then either every row is imported or none.</p>
      </hgroup>
      {imported && (
        <Notice kind="ok">
          Imported {imported.clients} new client{imported.clients === 1 ? "" : "s"} and {imported.projects}{" "}
          project{imported.projects === 1 ? "" : "s"}. <a href="/projects?sort=-created_at">See the newest projects</a>.
        </Notice>
      )}
      {error && <Notice kind="error">{error}</Notice>}
      {plan && <ImportPreview plan={plan} />}
      <form method="post" action="/clients/import" enctype="multipart/form-data" class="import-form">
        <CsrfField token={csrfToken} />
        <label>
          CSV text
          <textarea name="csv" rows={8} spellcheck={false} placeholder={CATALOG_CSV_EXAMPLE}>{csv ?? ""}</textarea>
        </label>
        <label>
          …or a CSV file
          <input type="file" name="file" accept=".csv,text/csv" />
        </label>
        <div class="form-actions catalog-buttons">
          <button type="submit" name="action" value="preview" class={ready ? "outline" : undefined}>Preview</button>
          {ready && <button type="submit" name="action" value="import">Import all</button>}
        </div>
      </form>
      <details>
        <summary>The columns</summary>
        <p>
          The first line names the columns, in any order: <code>client</code> (required), <code>project</code>,{" "}
          <code>slug</code>, <code>description</code>, <code>environments</code> as <code>name=url;name=url</code>,{" "}
          <code>repository_url</code>, <code>tags</code> as{" "}
          <code>a;b</code>. A row with only a client creates just the client; clients are matched by name, ignoring
          case, and reused.
        </p>
        <pre><code>{CATALOG_CSV_EXAMPLE}</code></pre>
      </details>
    </Layout>
  );
}

function ImportPreview({ plan }: { plan: ImportPlan }) {
  const newClients = plan.clients.filter((c) => c.id === null);
  return (
    <section class="catalog-panel import-preview">
      <h2>Preview</h2>
      {plan.errors.length > 0 && (
        <>
          <p class="notice notice-error" role="alert">
            {plan.errors.length} problem{plan.errors.length === 1 ? "" : "s"}: fix{" "}
            {plan.errors.length === 1 ? "it" : "them"} and preview again. Nothing is imported while any row is bad.
          </p>
          <div class="table-wrap">
            <table class="striped catalog-table import-errors">
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Field</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {plan.errors.map((e, i) => (
                  <tr key={i}>
                    <td class="catalog-number">{e.line}</td>
                    <td>
                      <code>{e.field || "—"}</code>
                    </td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <p>
        {plan.rows} row{plan.rows === 1 ? "" : "s"}: {newClients.length} new client{newClients.length === 1 ? "" : "s"}
        {newClients.length > 0 && ` (${newClients.map((c) => c.name).join(", ")})`}, {plan.projects.length}{" "}
        project{plan.projects.length === 1 ? "" : "s"}
        {plan.clients.length > newClients.length &&
          `; existing clients reused: ${plan.clients.filter((c) => c.id).map((c) => c.name).join(", ")}`}.
      </p>
      {plan.projects.length > 0 && (
        <div class="table-wrap">
          <table class="striped catalog-table">
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Project</th>
                <th scope="col">Client</th>
                <th scope="col">Environments</th>
              </tr>
            </thead>
            <tbody>
              {plan.projects.map((p) => (
                <tr key={p.line}>
                  <td class="catalog-number">{p.line}</td>
                  <td>
                    {p.input.name} <code>{p.input.slug}</code>
                  </td>
                  <td>{plan.clients.find((c) => c.name.toLowerCase() === p.client)?.name}</td>
                  <td>{p.input.environments.map((e) => e.name).join(", ") || <span class="muted">none</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
