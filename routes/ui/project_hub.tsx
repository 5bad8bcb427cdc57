/**
 * The project hub: /projects/{id} with its tabs. A tab click asks
 * `/projects/{id}?tab=…` (htmx) for the tab bar and panel together, so the
 * bar's current tab always matches the panel; each tab's own address serves
 * the full page. Documents and change requests are other modules' routes,
 * loaded into the panel by htmx.
 */
import { type Context, Hono } from "hono";
import { listAudits } from "../../services/audits/list.ts";
import { AuditQuerySchema } from "../../services/audits/schemas.ts";
import type { Principal } from "../../services/auth/permissions.ts";
import { getProjectFor } from "../../services/projects/projects.ts";
import { projectLive } from "../../services/projects/live.ts";
import { ProjectLiveStrip } from "../../views/projects/_project_live.tsx";
import { AuditPanel, EmptyPanel, isEmptyPanelTab, OverviewPanel } from "../../views/projects/_hub_panels.tsx";
import { type HubTab, isHubTab } from "../../views/projects/hub_tabs.ts";
import { HubBody, ProjectHubPage } from "../../views/projects/project_hub_page.tsx";
import { projectDeployments } from "../../services/deployments/timeline.ts";
import { ProjectDeploymentsPanel } from "../../views/deployments/project_deployments_panel.tsx";
import { projectChecksPanel } from "./checks.tsx";
import { listAlerts } from "../../services/alerts/alerts.ts";
import { ListAlertsQuerySchema } from "../../services/alerts/schemas.ts";
import { can } from "../../services/auth/permissions.ts";
import { exploreView } from "../../services/metrics/explore.ts";
import { AlertsTable } from "../../views/alerts/alerts_page.tsx";
import { Explorer } from "../../views/metrics/explore_page.tsx";
import type { AppEnv } from "../deps.ts";
import { idParam } from "../forms.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

const AUDIT_ROWS = 50;

/** The panel of one of this module's tabs; undefined for a tab another module serves. */
async function panelFor(c: Context<AppEnv>, principal: Principal, tab: HubTab, projectId: string) {
  const { sql } = c.get("deps");
  const project = await getProjectFor(sql, principal, projectId);
  if (tab === "overview") return { project, panel: <OverviewPanel project={project} /> };
  if (tab === "audit") {
    const query = AuditQuerySchema.parse({ resource_type: "project", resource_id: project.id, limit: AUDIT_ROWS });
    const page = await listAudits(sql, principal, query);
    return { project, panel: <AuditPanel projectId={project.id} rows={page.data} more={page.next_cursor !== null} /> };
  }
  if (tab === "deployments") {
    const d = await projectDeployments(sql, principal, project.id);
    return {
      project,
      panel: <ProjectDeploymentsPanel projectId={project.id} latest={d.latest} recent={d.recent} more={d.more} />,
    };
  }
  if (tab === "health") return { project, panel: await projectChecksPanel(c, principal, project.id) };
  if (tab === "metrics") {
    const view = await exploreView(sql, principal, { project_id: project.id }, c.get("deps").now());
    return { project, panel: <Explorer view={view} /> };
  }
  if (tab === "alerts" && can(principal, "alerts", "read")) {
    const query = ListAlertsQuerySchema.parse({ project_id: project.id, limit: 50 });
    const page = await listAlerts(sql, principal, query);
    if (page.data.length > 0) {
      const now = c.get("deps").now();
      return {
        project,
        panel: <AlertsTable alerts={page.data} canAct={can(principal, "alerts", "write")} now={now} />,
      };
    }
  }
  if (isEmptyPanelTab(tab)) return { project, panel: <EmptyPanel tab={tab} /> };
  return { project, panel: undefined };
}

/** A tab's own address: its panel alone for htmx, the hub page with it otherwise. */
function tabRoute(tab: HubTab) {
  return async (c: Context<AppEnv>) => {
    const principal = requireUserPage(c);
    const { project, panel } = await panelFor(c, principal, tab, idParam(c, "Project not found"));
    if (isPartial(c)) return html(c, panel!, 200, { fragment: true });
    const live = await projectLive(c.get("deps").sql, principal, project.id);
    return html(c, <ProjectHubPage project={project} tab={tab} live={live}>{panel}</ProjectHubPage>);
  };
}

export function projectHubPages() {
  const app = new Hono<AppEnv>();

  app.get("/projects/:id", async (c) => {
    const principal = requireUserPage(c);
    const asked = c.req.query("tab");
    const tab: HubTab = isHubTab(asked) ? asked : "overview";
    const { project, panel } = await panelFor(c, principal, tab, idParam(c, "Project not found"));
    if (isPartial(c)) return html(c, <HubBody project={project} tab={tab}>{panel}</HubBody>, 200, { fragment: true });
    const live = await projectLive(c.get("deps").sql, principal, project.id);
    return html(c, <ProjectHubPage project={project} tab={tab} live={live}>{panel}</ProjectHubPage>);
  });

  // The live strip's poll: another tenant's or client's project is a 404, as the hub is.
  app.get("/projects/:id/live", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "Project not found");
    const live = await projectLive(c.get("deps").sql, principal, id);
    return html(c, <ProjectLiveStrip projectId={id} live={live} />, 200, { fragment: true });
  });

  // Each tab's own address (documents and change requests are routes/ui/sows.tsx and change_requests.tsx).
  for (const tab of ["deployments", "health", "metrics", "alerts", "audit"] as const) {
    app.get(`/projects/:id/${tab}`, tabRoute(tab));
  }
  return app;
}
