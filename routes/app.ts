/**
 * The whole HTTP surface: middleware in order, then the route table below,
 * which answers "which file serves this URL". `createApp` has no side
 * effects, so tests build as many apps as they like.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Hono } from "hono";
import { systemApi } from "./api/v1/system.ts";
import { sessionsApi } from "./api/v1/sessions.ts";
import { invitationsApi } from "./api/v1/invitations.ts";
import { rolesApi } from "./api/v1/roles.ts";
import { tenantsApi } from "./api/v1/tenants.ts";
import { invitationPages } from "./ui/invitations.tsx";
import { rolePages } from "./ui/roles.tsx";
import { tenantPages } from "./ui/tenants.tsx";
import { userPages } from "./ui/users.tsx";
import { usersApi } from "./api/v1/users.ts";
import { apiKeysApi } from "./api/v1/api_keys.ts";
import { meApi } from "./api/v1/me.ts";
import { apiKeyPages } from "./ui/api_keys.tsx";
import { profilePages } from "./ui/profile.tsx";
import { auditsApi } from "./api/v1/audits.ts";
import { searchApi } from "./api/v1/search.ts";
import { searchPages } from "./ui/search.tsx";
import { auditRoutes } from "./ui/audits.tsx";
import { sowsApi } from "./api/v1/sows.ts";
import { changeRequestsApi } from "./api/v1/change_requests.ts";
import { sowPages } from "./ui/sows.tsx";
import { changeRequestPages } from "./ui/change_requests.tsx";
import { integrationsApi } from "./api/v1/integrations.ts";
import { githubIntegrationApi } from "./api/v1/github_integration.ts";
import { integrationPages } from "./ui/integrations.tsx";
import { githubRepositoryPages } from "./ui/github_repositories.tsx";
import { linearHooks } from "./hooks/linear.ts";
import type { AppDeps, AppEnv } from "./deps.ts";
import { mountDocs } from "./docs.ts";
import { healthRoutes } from "./health.ts";
import { onError, validationHook } from "./problem.ts";
import { pingLane, probeLane, requestPath, withLanes } from "./request_path.ts";
import { notFoundOrWrongMethod } from "./method_not_allowed.ts";
import { staticRoutes } from "./static.ts";
import { homeRoutes } from "./ui/home.tsx";
import { liveRoutes } from "./ui/live.ts";
import { authRoutes } from "./ui/auth.tsx";
import { oidcRoutes } from "./ui/oidc.ts";
import { preferenceRoutes } from "./ui/preferences.ts";
import { clientsApi } from "./api/v1/clients.ts";
import { projectsApi } from "./api/v1/projects.ts";
import { catalogImportApi } from "./api/v1/catalog_import.ts";
import { catalogImportPages } from "./ui/catalog_import.tsx";
import { clientPages } from "./ui/clients.tsx";
import { projectPages } from "./ui/projects.tsx";
import { projectHubPages } from "./ui/project_hub.tsx";
import { deploymentsApi } from "./api/v1/deployments.ts";
import { githubWebhookApi } from "./api/v1/github_webhook.ts";
import { githubHooks } from "./hooks/github.ts";
import { notificationChannelsApi } from "./api/v1/notification_channels.ts";
import { slackInteractionHooks } from "./hooks/slack_interactions.ts";
import { notificationChannelPages } from "./ui/channels.tsx";
import { deploymentPages } from "./ui/deployments.tsx";
import { deliveryMetricsApi } from "./api/v1/delivery_metrics.ts";
import { notificationRulesApi } from "./api/v1/notification_rules.ts";
import { notificationDeliveriesApi } from "./api/v1/notification_deliveries.ts";
import { notificationRulePages } from "./ui/notification_rules.tsx";
import { deliveryPages } from "./ui/deliveries.tsx";
import { alertRulesApi } from "./api/v1/alert_rules.ts";
import { alertsApi } from "./api/v1/alerts.ts";
import { alertPages } from "./ui/alerts.tsx";
import { alertRulePages } from "./ui/alert_rules.tsx";
import { healthChecksApi } from "./api/v1/health_checks.ts";
import { heartbeatsApi } from "./api/v1/heartbeats.ts";
import { checkPages } from "./ui/checks.tsx";
import { metricsApi } from "./api/v1/metrics.ts";
import { maintenanceWindowsApi } from "./api/v1/maintenance_windows.ts";
import { explorePages } from "./ui/metrics.tsx";
import { maintenancePages } from "./ui/maintenance.tsx";
import { dataSourcesApi } from "./api/v1/data_sources.ts";
import { savedQueriesApi } from "./api/v1/saved_queries.ts";
import { dataModelsApi } from "./api/v1/data_models.ts";
import { dataSourcePages } from "./ui/data_sources.tsx";
import { dataModelPages } from "./ui/data_models.tsx";
import { statusPagesApi } from "./api/v1/status_pages.ts";
import { incidentsApi } from "./api/v1/incidents.ts";
import { statusPagePages } from "./ui/status_pages.tsx";
import { slaApi } from "./api/v1/sla.ts";
import { slaPages } from "./ui/sla.tsx";
import { insightsApi } from "./api/v1/insights.ts";
import { insightsPages } from "./ui/insights.tsx";
import { approvalsApi } from "./api/v1/approvals.ts";
import { dataSourceGrantsApi } from "./api/v1/data_source_grants.ts";
import { approvalPages } from "./ui/approvals.tsx";
import { userSyncPages } from "./ui/user_sync.tsx";
import { userDataPages } from "./ui/user_data.tsx";
import { userSyncApi } from "./api/v1/user_sync.ts";
import { clerkHooks } from "./hooks/clerk.ts";
import { scimRoutes } from "./scim.ts";
import { dashboardsApi } from "./api/v1/dashboards.ts";
import { reportsApi } from "./api/v1/reports.ts";
import { dashboardPages } from "./ui/dashboards.tsx";
import { publicDashboardPages } from "./ui/dashboards_public.tsx";

/** One row of the route table: the URL prefixes a module serves (tests/routes/route_table_test.ts holds it to them). */
export interface Mount {
  prefixes: string[];
  routes: () => Hono<AppEnv>;
}

/**
 * Every module mounted at "/" in this order. The JSON API keeps its order
 * (it is the order of /openapi.json); among pages, a module with fixed paths
 * comes before one whose parameter would swallow them (/clients/import
 * before /clients/{id}).
 */
export const ROUTE_TABLE: { area: string; mounts: Mount[] }[] = [
  { area: "Operations", mounts: [{ prefixes: ["/healthz", "/readyz", "/metrics"], routes: healthRoutes }] },
  {
    area: "JSON API: people and access",
    mounts: [
      { prefixes: ["/api/v1/system"], routes: systemApi },
      { prefixes: ["/api/v1/sessions"], routes: sessionsApi },
      { prefixes: ["/api/v1/users"], routes: usersApi },
      { prefixes: ["/api/v1/invitations"], routes: invitationsApi },
      { prefixes: ["/api/v1/roles"], routes: rolesApi },
      { prefixes: ["/api/v1/tenants"], routes: tenantsApi },
      { prefixes: ["/api/v1/me"], routes: meApi },
      { prefixes: ["/api/v1/api-keys"], routes: apiKeysApi },
      { prefixes: ["/api/v1/audits"], routes: auditsApi },
      { prefixes: ["/api/v1/user-sync", "/api/v1/users"], routes: userSyncApi },
      {
        prefixes: ["/api/v1/integrations", "/api/v1/integration-providers", "/api/v1/alerts"],
        routes: integrationsApi,
      },
      { prefixes: ["/api/v1/integrations"], routes: githubIntegrationApi },
    ],
  },
  {
    area: "JSON API: clients, projects, delivery",
    mounts: [
      { prefixes: ["/api/v1/sows"], routes: sowsApi },
      { prefixes: ["/api/v1/change-requests"], routes: changeRequestsApi },
      { prefixes: ["/api/v1/clients"], routes: clientsApi },
      { prefixes: ["/api/v1/projects"], routes: projectsApi },
      { prefixes: ["/api/v1/imports"], routes: catalogImportApi },
      { prefixes: ["/api/v1/deployments"], routes: deploymentsApi },
      { prefixes: ["/api/v1/github-webhook"], routes: githubWebhookApi },
    ],
  },
  {
    area: "JSON API: notifications and alerts",
    mounts: [
      { prefixes: ["/api/v1/notification-channels"], routes: notificationChannelsApi },
      { prefixes: ["/api/v1/delivery-metrics"], routes: deliveryMetricsApi },
      { prefixes: ["/api/v1/notification-rules"], routes: notificationRulesApi },
      { prefixes: ["/api/v1/notification-deliveries"], routes: notificationDeliveriesApi },
      { prefixes: ["/api/v1/alert-rules"], routes: alertRulesApi },
      { prefixes: ["/api/v1/alerts"], routes: alertsApi },
    ],
  },
  {
    area: "JSON API: checks, metrics, maintenance",
    mounts: [
      { prefixes: ["/api/v1/health-checks"], routes: healthChecksApi },
      { prefixes: ["/api/v1/heartbeats"], routes: heartbeatsApi },
      { prefixes: ["/api/v1/metrics"], routes: metricsApi },
      { prefixes: ["/api/v1/maintenance-windows"], routes: maintenanceWindowsApi },
    ],
  },
  {
    area: "JSON API: data sources and saved queries",
    mounts: [
      { prefixes: ["/api/v1/data-sources"], routes: dataSourcesApi },
      { prefixes: ["/api/v1/saved-queries", "/api/v1/query-metrics"], routes: savedQueriesApi },
      { prefixes: ["/api/v1/data-models"], routes: dataModelsApi },
    ],
  },
  {
    area: "JSON API: approvals and deploy gates",
    mounts: [{
      prefixes: ["/api/v1/approvals", "/api/v1/access-requests", "/api/v1/approval-policies", "/api/v1/deploy-gates"],
      routes: approvalsApi,
    }],
  },
  {
    area: "JSON API: data-source grants (approved access requests)",
    mounts: [{ prefixes: ["/api/v1/data-source-grants"], routes: dataSourceGrantsApi }],
  },
  {
    area: "JSON API: dashboards and reports",
    mounts: [
      { prefixes: ["/api/v1/dashboards"], routes: dashboardsApi },
      { prefixes: ["/api/v1/reports", "/api/v1/report-runs"], routes: reportsApi },
    ],
  },
  {
    area: "JSON API: status pages, incidents, SLA",
    mounts: [
      { prefixes: ["/api/v1/status-pages", "/api/v1/status-page-components"], routes: statusPagesApi },
      { prefixes: ["/api/v1/incidents", "/api/v1/alerts"], routes: incidentsApi },
      { prefixes: ["/api/v1/sla-targets", "/api/v1/sla-reports", "/api/v1/clients"], routes: slaApi },
    ],
  },
  { area: "JSON API: search", mounts: [{ prefixes: ["/api/v1/search"], routes: searchApi }] },
  { area: "JSON API: insights", mounts: [{ prefixes: ["/api/v1/insights"], routes: insightsApi }] },
  {
    area: "Inbound hooks (signed by the sender, no session)",
    mounts: [
      { prefixes: ["/hooks/github"], routes: githubHooks },
      { prefixes: ["/slack/interactions"], routes: slackInteractionHooks },
      { prefixes: ["/hooks/clerk"], routes: clerkHooks },
      { prefixes: ["/hooks/linear"], routes: linearHooks },
      { prefixes: ["/scim/v2"], routes: scimRoutes },
    ],
  },
  {
    area: "Pages: people and access",
    mounts: [
      { prefixes: ["/users"], routes: userPages },
      { prefixes: ["/invitations"], routes: invitationPages },
      { prefixes: ["/roles"], routes: rolePages },
      { prefixes: ["/tenants"], routes: tenantPages },
      { prefixes: ["/api-keys"], routes: apiKeyPages },
      { prefixes: ["/profile"], routes: profilePages },
      { prefixes: ["/audits"], routes: auditRoutes },
    ],
  },
  {
    area: "Pages: clients, projects, delivery",
    mounts: [
      { prefixes: ["/sows", "/projects"], routes: sowPages },
      { prefixes: ["/change-requests", "/projects"], routes: changeRequestPages },
      { prefixes: ["/clients/import"], routes: catalogImportPages },
      { prefixes: ["/clients"], routes: clientPages },
      { prefixes: ["/projects"], routes: projectPages },
      { prefixes: ["/projects"], routes: projectHubPages },
    ],
  },
  {
    area: "Pages: notifications, alerts, checks, metrics, deployments",
    mounts: [
      { prefixes: ["/notifications"], routes: notificationChannelPages },
      { prefixes: ["/notifications/rules"], routes: notificationRulePages },
      { prefixes: ["/notifications/deliveries"], routes: deliveryPages },
      { prefixes: ["/alerts"], routes: alertPages },
      { prefixes: ["/alert-rules"], routes: alertRulePages },
      { prefixes: ["/checks"], routes: checkPages },
      { prefixes: ["/explore"], routes: explorePages },
      { prefixes: ["/maintenance"], routes: maintenancePages },
      { prefixes: ["/deployments", "/delivery-metrics"], routes: deploymentPages },
      { prefixes: ["/data-sources", "/queries"], routes: dataSourcePages },
      { prefixes: ["/data-models"], routes: dataModelPages },
      { prefixes: ["/status-pages", "/incidents", "/alerts"], routes: statusPagePages },
      { prefixes: ["/sla-reports"], routes: slaPages },
      { prefixes: ["/insights", "/ui/insights"], routes: insightsPages },
      { prefixes: ["/approvals"], routes: approvalPages },
      { prefixes: ["/integrations"], routes: githubRepositoryPages },
      { prefixes: ["/integrations", "/alerts"], routes: integrationPages },
      { prefixes: ["/settings/user-sync"], routes: userSyncPages },
      { prefixes: ["/users"], routes: userDataPages },
    ],
  },
  {
    area: "Pages: dashboards (and their public links)",
    mounts: [
      { prefixes: ["/dashboards"], routes: dashboardPages },
      { prefixes: ["/d"], routes: publicDashboardPages },
    ],
  },
  {
    area: "Pages: sign-in, home, preferences, static files",
    mounts: [
      { prefixes: ["/login", "/logout", "/setup"], routes: authRoutes },
      { prefixes: ["/auth"], routes: oidcRoutes },
      { prefixes: ["/", "/ui/status", "/ui/now"], routes: homeRoutes },
      { prefixes: ["/ui/live"], routes: liveRoutes },
      { prefixes: ["/search"], routes: searchPages },
      { prefixes: ["/preferences"], routes: preferenceRoutes },
      { prefixes: ["/static"], routes: staticRoutes },
    ],
  },
];

export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  for (const [, layer] of requestPath(deps)) app.use("*", layer);

  for (const { mounts } of ROUTE_TABLE) {
    for (const mount of mounts) app.route("/", mount.routes());
  }
  // /openapi.json and /docs, last: the document is built from every route above.
  mountDocs(app);

  app.notFound(notFoundOrWrongMethod(app));
  app.onError(onError(deps.logger));
  // Hono's fetch is an own property; app.request (the tests') goes through it too.
  app.fetch = withLanes(deps, app, [probeLane(healthRoutes), pingLane(heartbeatsApi)]);
  return app;
}
