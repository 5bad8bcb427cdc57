import { PROJECT_SORTS } from "../../db/queries/projects.ts";
import { Layout } from "../layouts/layout.tsx";
import { PROJECT_COLUMNS, ProjectRows, type ProjectRowsProps } from "./_project_rows.tsx";

const SORT_LABELS: Record<typeof PROJECT_SORTS[number], string> = {
  "name": "Name, A–Z",
  "-name": "Name, Z–A",
  "created_at": "Oldest first",
  "-created_at": "Newest first",
  "updated_at": "Least recently changed",
  "-updated_at": "Recently changed",
};

export interface ProjectFilters {
  q?: string;
  client_id?: string;
  tag?: string;
  archived: boolean;
  sort: typeof PROJECT_SORTS[number];
}

export interface ProjectsPageProps extends ProjectRowsProps {
  filters: ProjectFilters;
  clients: { id: string; name: string }[];
  canWrite: boolean;
  /** A query that could not be read (a stale cursor, a bad id): shown, and the defaults used. */
  error?: string;
}

/**
 * The projects list. The filter form is a plain GET form; with htmx, typing,
 * changing a filter or the sort swaps only the table body and pushes the URL.
 */
export function ProjectsPage(props: ProjectsPageProps) {
  const { filters: f, clients, canWrite } = props;
  return (
    <Layout title="Projects">
      <hgroup>
        <h1>Projects</h1>
        <p>
          Everything you run, by client.
          {canWrite && (
            <>
              {" "}
              <a href="/projects/new">New project</a>
            </>
          )}
        </p>
      </hgroup>
      {props.error && <p class="notice notice-error" role="alert">{props.error}</p>}
      <form
        method="get"
        action="/projects"
        role="search"
        class="project-filters"
        hx-get="/projects"
        hx-trigger="change, submit"
        hx-target="#project-rows"
        hx-push-url="true"
      >
        <input
          type="search"
          name="q"
          value={f.q}
          placeholder="Search by name or slug"
          aria-label="Search projects"
          maxLength={200}
          hx-get="/projects"
          hx-trigger="input changed delay:300ms, search"
          hx-include="closest form"
        />
        {clients.length > 1 && (
          <select name="client_id" aria-label="Client">
            <option value="">All clients</option>
            {clients.map((c) => <option key={c.id} value={c.id} selected={c.id === f.client_id}>{c.name}</option>)}
          </select>
        )}
        <input
          type="search"
          name="tag"
          value={f.tag}
          list="project-tags"
          placeholder="Tag"
          aria-label="Tag"
          maxLength={50}
          class="project-tag-filter"
          hx-get="/projects"
          hx-trigger="input changed delay:300ms, search"
          hx-include="closest form"
        />
        {
          /* Suggestions come after the list: counting every project's tags is the page's slowest query.
            The form's hx-push-url is inherited: without "false" the address bar would become /projects/tags. */
        }
        <datalist
          id="project-tags"
          hx-get="/projects/tags"
          hx-trigger="load"
          hx-target="this"
          hx-swap="innerHTML"
          hx-push-url="false"
        />
        <select name="sort" aria-label="Sort">
          {PROJECT_SORTS.map((s) => <option key={s} value={s} selected={s === f.sort}>{SORT_LABELS[s]}</option>)}
        </select>
        <label class="project-archived">
          <input type="checkbox" name="archived" value="true" checked={f.archived} /> Archived
        </label>
        <button type="submit" class="outline">Apply</button>
      </form>
      <div class="table-wrap">
        <table class="striped catalog-table projects-table">
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Client</th>
              <th scope="col">Environments</th>
              <th scope="col">Tags</th>
              <th scope="col">Changed</th>
            </tr>
          </thead>
          <tbody id="project-rows" data-columns={PROJECT_COLUMNS}>
            <ProjectRows {...props} />
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
