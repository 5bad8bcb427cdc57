/**
 * Deployments in the browser: the list across projects (GET filter form,
 * live rows via htmx polling), a deployment's page, and the GitHub webhook's
 * settings for admins. The project hub's tab renders
 * views/deployments/project_deployments_panel.tsx from services/deployments/timeline.ts.
 */
import { type Context, Hono } from "hono";
import { projectChoicesFor } from "../../services/projects/choices.ts";
import { can, type Principal } from "../../services/auth/permissions.ts";
import { listDeployments } from "../../services/deployments/deployments.ts";
import { type ListDeploymentsQuery, ListDeploymentsQuerySchema } from "../../services/deployments/schemas.ts";
import { deploymentWithTimeline } from "../../services/deployments/timeline.ts";
import { rotateWebhookSecret, webhookKeyring, webhookStatus } from "../../services/github/secret.ts";
import { DeploymentList } from "../../views/deployments/_deployment_rows.tsx";
import { DeploymentPage } from "../../views/deployments/deployment_page.tsx";
import { checksAroundDeployment } from "../../services/checks/around_deployment.ts";
import { type DeploymentFilters, DeploymentsPage } from "../../views/deployments/deployments_page.tsx";
import { GithubWebhookPage } from "../../views/deployments/github_webhook_page.tsx";
import { DeliveryMetricsPage } from "../../views/deployments/delivery_metrics_page.tsx";
import { deliveryMetrics } from "../../services/delivery_metrics/metrics.ts";
import { DeliveryMetricsQuerySchema } from "../../services/delivery_metrics/schemas.ts";
import type { AppEnv } from "../deps.ts";
import { idParam } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { selfOrigin } from "../middleware/csrf.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/**
 * The filter form's fields onto the API's list query. Dates are whole UTC
 * days, `to` inclusive. A field that does not parse (a hand-edited URL) is
 * dropped rather than turned into an error page.
 */
function listQuery(c: Context<AppEnv>): { query: ListDeploymentsQuery; filters: DeploymentFilters } {
  const q = c.req.query();
  const filters: DeploymentFilters = {};
  const candidate: Record<string, string> = { limit: "50" };
  const keep = (field: string, value: string | undefined, apiField = field, apiValue = value) => {
    if (!value) return;
    if (!ListDeploymentsQuerySchema.safeParse({ [apiField]: apiValue }).success) return;
    (filters as Record<string, string>)[field] = value;
    candidate[apiField] = apiValue!;
  };
  keep("project_id", q.project_id);
  keep("environment", q.environment?.trim());
  keep("status", q.status);
  if (q.from && DATE.test(q.from)) keep("from", q.from, "since", `${q.from}T00:00:00Z`);
  if (q.to && DATE.test(q.to) && !Number.isNaN(Date.parse(q.to))) {
    keep("to", q.to, "until", new Date(Date.parse(`${q.to}T00:00:00Z`) + DAY_MS).toISOString());
  }
  if (q.cursor) candidate.cursor = q.cursor;
  return { query: ListDeploymentsQuerySchema.parse(candidate), filters };
}

function urlWith(filters: DeploymentFilters, extra: Record<string, string> = {}): string {
  const search = new URLSearchParams({ ...filters, ...extra } as Record<string, string>).toString();
  return search ? `/deployments?${search}` : "/deployments";
}

async function githubPage(c: Context<AppEnv>, principal: Principal, secret?: string) {
  const status = await webhookStatus(c.get("deps").sql, principal, selfOrigin(c));
  return html(c, <GithubWebhookPage status={status} secret={secret} />, secret ? 201 : 200);
}

export function deploymentPages() {
  const app = new Hono<AppEnv>();

  app.get("/deployments", async (c) => {
    const principal = requireUserPage(c);
    const { sql } = c.get("deps");
    const { query, filters } = listQuery(c);
    const page = await listDeployments(sql, principal, query);
    const list = {
      deployments: page.data,
      selfUrl: urlWith(filters),
      nextUrl: page.next_cursor ? urlWith(filters, { cursor: page.next_cursor }) : null,
      showProject: true,
      empty: Object.keys(filters).length
        ? "No deployments match these filters."
        : "No deployments yet. CI reports them with an API key scoped to deployments:write; see the API docs.",
    };
    if (isPartial(c)) return html(c, <DeploymentList {...list} />, 200, { fragment: true });
    const projects = await projectChoicesFor(sql, principal);
    return html(
      c,
      <DeploymentsPage
        list={list}
        filters={filters}
        projects={projects}
        showGithubLink={can(principal, "settings", "manage")}
      />,
    );
  });

  app.get("/delivery-metrics", async (c) => {
    const principal = requireUserPage(c);
    const { sql, now } = c.get("deps");
    // A hand-edited bad parameter falls back to the defaults rather than an error page.
    const parsed = DeliveryMetricsQuerySchema.safeParse(c.req.query());
    const query = parsed.success ? parsed.data : DeliveryMetricsQuerySchema.parse({});
    const metrics = await deliveryMetrics(sql, principal, query, now());
    const projects = await projectChoicesFor(sql, principal);
    return html(c, <DeliveryMetricsPage metrics={metrics} projects={projects} />);
  });

  app.get("/deployments/github", (c) => githubPage(c, requireUserPage(c)));

  app.post("/deployments/github/secret", async (c) => {
    const principal = requireUserPage(c);
    const { sql, secret, config } = c.get("deps");
    const keyring = await webhookKeyring({ current: secret, previous: config.previousSecrets });
    const newSecret = await rotateWebhookSecret(sql, principal, keyring, auditContext(c));
    // The secret is shown in this answer only, so no redirect: a reload must not show it again.
    c.header("Cache-Control", "no-store");
    return githubPage(c, principal, newSecret);
  });

  app.get("/deployments/:id", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "Deployment not found");
    const { sql, now } = c.get("deps");
    const { deployment, timeline } = await deploymentWithTimeline(sql, principal, id);
    const checks = await checksAroundDeployment(sql, principal, deployment, now());
    return html(c, <DeploymentPage d={deployment} timeline={timeline} checks={checks} />);
  });

  return app;
}
