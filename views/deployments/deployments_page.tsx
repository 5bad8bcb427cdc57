import { DEPLOYMENT_STATUSES } from "../../db/queries/deployments.ts";
import { Layout } from "../layouts/layout.tsx";
import { DeploymentList, type DeploymentListProps } from "./_deployment_rows.tsx";
import { STATUS_LABEL } from "./format.ts";

/** The filter form's values, as the query string carries them. */
export interface DeploymentFilters {
  project_id?: string;
  environment?: string;
  status?: string;
  /** Dates (YYYY-MM-DD, UTC), inclusive. */
  from?: string;
  to?: string;
}

export interface DeploymentsPageProps {
  list: DeploymentListProps;
  filters: DeploymentFilters;
  projects: { id: string; name: string }[];
  /** Admins see where to point GitHub (the webhook's settings page). */
  showGithubLink: boolean;
}

/** /deployments: every visible project's deployments, filtered by a plain GET form. */
export function DeploymentsPage({ list, filters, projects, showGithubLink }: DeploymentsPageProps) {
  return (
    <Layout title="Deployments">
      <hgroup>
        <h1>Deployments</h1>
        <p>
          What went out where, from CI and GitHub. <a href="/delivery-metrics">Delivery metrics</a>
          {" · "}
          <a href="/docs">Report from CI (API docs)</a>
          {showGithubLink && (
            <>
              {" · "}
              <a href="/deployments/github">GitHub webhook</a>
            </>
          )}
        </p>
      </hgroup>
      <form method="get" action="/deployments" class="deployment-filters" role="search">
        <label>
          Project
          <select name="project_id">
            <option value="">All projects</option>
            {projects.map((p) => (
              <option key={p.id} value={p.id} selected={p.id === filters.project_id}>{p.name}</option>
            ))}
          </select>
        </label>
        <label>
          Environment
          <input type="text" name="environment" value={filters.environment ?? ""} placeholder="production" />
        </label>
        <label>
          Status
          <select name="status">
            <option value="">Any status</option>
            {DEPLOYMENT_STATUSES.map((s) => (
              <option key={s} value={s} selected={s === filters.status}>{STATUS_LABEL[s]}</option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" name="from" value={filters.from ?? ""} />
        </label>
        <label>
          To
          <input type="date" name="to" value={filters.to ?? ""} />
        </label>
        <button type="submit" class="small">Filter</button>
      </form>
      <DeploymentList {...list} />
    </Layout>
  );
}
