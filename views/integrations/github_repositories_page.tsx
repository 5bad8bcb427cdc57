import { useContext } from "preact/hooks";
import type { IntegrationView } from "../../services/integrations/integrations.ts";
import type { listGithubRepositories } from "../../services/integrations/github/repositories.ts";
import { CsrfField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";

type Listed = Awaited<ReturnType<typeof listGithubRepositories>>;

export interface GithubRepositoriesPageProps {
  integration: IntegrationView;
  listed: Listed | null;
  /** Why GitHub could not be asked (broken token, GitHub down), in words. */
  listError?: string;
  /** Clients a new project may go under; empty: the viewer may not import. */
  clients: { id: string; name: string }[];
  canManage: boolean;
  notice?: { kind: "ok" | "error"; text: string };
}

const FORM = "github-import";

/** /integrations/{id}/repositories: a GitHub account's repositories, import as projects, set up the webhook. */
export function GithubRepositoriesPage(
  { integration, listed, listError, clients, canManage, notice }: GithubRepositoriesPageProps,
) {
  const { csrfToken } = useContext(PageContext);
  const canImport = canManage && clients.length > 0;
  const repos = listed?.repositories ?? [];
  return (
    <Layout title={`GitHub repositories · ${integration.account_name ?? integration.account_id}`}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/integrations">Integrations</a>
          </li>
          <li>GitHub {integration.account_name}</li>
        </ul>
      </nav>
      <h1>Repositories of {integration.account_name ?? integration.account_id}</h1>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      {listError && <Notice kind="error">{listError}</Notice>}
      {listed?.truncated && <p class="muted">Only the 1,000 repositories pushed to last are shown.</p>}
      {listed && repos.length === 0 && <p class="muted">This account reaches no repositories.</p>}
      {repos.length > 0 && (
        <>
          {canImport && (
            <form id={FORM} method="post" action={`/integrations/${integration.id}/repositories/import`}>
              <CsrfField token={csrfToken} />
              <label>
                Client of the new projects
                <select name="client_id" required>
                  {clients.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
                </select>
              </label>
            </form>
          )}
          <div class="table-scroll">
            <table class="github-repositories">
              <thead>
                <tr>
                  {canImport && <th scope="col">Import</th>}
                  <th scope="col">Repository</th>
                  <th scope="col">Default branch</th>
                  <th scope="col">Project</th>
                  <th scope="col">Deployment webhook</th>
                </tr>
              </thead>
              <tbody>
                {repos.map((r) => (
                  <tr key={r.id}>
                    {canImport && (
                      <td>
                        {r.project ? <span class="muted">imported</span> : (
                          <span class="import-choice">
                            <input
                              type="checkbox"
                              form={FORM}
                              name="repositories"
                              value={r.full_name}
                              aria-label={`Import ${r.full_name}`}
                            />
                            <input
                              type="text"
                              form={FORM}
                              name={`name:${r.full_name}`}
                              placeholder={r.full_name.split("/")[1]}
                              aria-label={`Project name for ${r.full_name}`}
                            />
                          </span>
                        )}
                      </td>
                    )}
                    <td>
                      <a href={r.html_url} rel="noopener noreferrer" target="_blank">{r.full_name}</a>
                      {r.private && <small class="muted">private</small>}
                    </td>
                    <td>
                      <code>{r.default_branch}</code>
                    </td>
                    <td>{r.project ? <a href={`/projects/${r.project.id}`}>{r.project.name}</a> : "—"}</td>
                    <td>
                      {r.project && canManage
                        ? (
                          <form
                            class="inline-form"
                            method="post"
                            action={`/integrations/${integration.id}/webhooks/${r.project.id}${
                              r.project.webhook ? "/remove" : ""
                            }`}
                          >
                            <CsrfField token={csrfToken} />
                            {r.project.webhook && <span class="badge badge-up">set up</span>}{" "}
                            <button
                              type="submit"
                              class="secondary"
                              aria-label={`${
                                r.project.webhook ? "Remove webhook of" : "Set up webhook on"
                              } ${r.full_name}`}
                            >
                              {r.project.webhook ? "Remove webhook" : "Set up webhook"}
                            </button>
                          </form>
                        )
                        : r.project?.webhook
                        ? <span class="badge badge-up">set up</span>
                        : <span class="muted">—</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {canImport && <button type="submit" form={FORM}>Import the chosen repositories</button>}
        </>
      )}
    </Layout>
  );
}
