/**
 * The whole HTTP surface: middleware in order, then the API, the pages, the
 * operations endpoints and static files. `createApp` has no side effects, so
 * tests build as many apps as they like.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { PayloadTooLargeError } from "../services/errors.ts";
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
import type { AppDeps, AppEnv } from "./deps.ts";
import { mountDocs } from "./docs.ts";
import { healthRoutes } from "./health.ts";
import { observe } from "./middleware/observe.ts";
import { authenticate } from "./middleware/auth.ts";
import { csrfProtection } from "./middleware/csrf.ts";
import { securityHeaders } from "./middleware/security_headers.ts";
import { BODY_LIMIT_BYTES, notFound, onError, problemResponse, validationHook } from "./problem.ts";
import { staticRoutes } from "./static.ts";
import { homeRoutes } from "./ui/home.tsx";
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
import { notificationChannelPages } from "./ui/notifications.tsx";
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
import { METRICS_PATH, metricsApi } from "./api/v1/metrics.ts";
import { maintenanceWindowsApi } from "./api/v1/maintenance_windows.ts";
import { explorePages } from "./ui/explore.tsx";
import { maintenancePages } from "./ui/maintenance.tsx";

export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use("*", requestId({ headerName: "X-Request-Id" }));
  app.use("*", observe(deps.logger, deps.metrics));
  app.use("*", async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.use("*", securityHeaders());
  const defaultBodyLimit = bodyLimit({
    maxSize: BODY_LIMIT_BYTES,
    onError: (c) => problemResponse(c, new PayloadTooLargeError(BODY_LIMIT_BYTES)),
  });
  // Metric batches (10,000 points) need more than 1 MiB; routes/api/v1/metrics.ts sets their own limit.
  app.use("*", (c, next) => c.req.path === METRICS_PATH ? next() : defaultBodyLimit(c, next));

  app.use("*", authenticate());
  app.use("*", csrfProtection());

  app.route("/", healthRoutes());
  app.route("/", systemApi());
  app.route("/", sessionsApi());
  app.route("/", usersApi());
  app.route("/", invitationsApi());
  app.route("/", rolesApi());
  app.route("/", tenantsApi());
  app.route("/", userPages());
  app.route("/", invitationPages());
  app.route("/", rolePages());
  app.route("/", tenantPages());
  app.route("/", meApi());
  app.route("/", apiKeysApi());
  app.route("/", apiKeyPages());
  app.route("/", profilePages());
  app.route("/", auditsApi());
  app.route("/", auditRoutes());
  app.route("/", sowsApi());
  app.route("/", changeRequestsApi());
  app.route("/", sowPages());
  app.route("/", changeRequestPages());
  app.route("/", clientsApi());
  app.route("/", projectsApi());
  app.route("/", catalogImportApi());
  app.route("/", catalogImportPages());
  app.route("/", clientPages());
  app.route("/", projectPages());
  app.route("/", projectHubPages());
  app.route("/", deploymentsApi());
  app.route("/", githubWebhookApi());
  app.route("/", githubHooks());
  app.route("/", notificationChannelsApi());
  app.route("/", slackInteractionHooks());
  app.route("/", notificationChannelPages());
  app.route("/", deliveryMetricsApi());
  app.route("/", notificationRulesApi());
  app.route("/", notificationDeliveriesApi());
  app.route("/", notificationRulePages());
  app.route("/", deliveryPages());
  app.route("/", alertRulesApi());
  app.route("/", alertsApi());
  app.route("/", alertPages());
  app.route("/", alertRulePages());
  app.route("/", healthChecksApi());
  app.route("/", heartbeatsApi());
  app.route("/", checkPages());
  app.route("/", metricsApi());
  app.route("/", maintenanceWindowsApi());
  app.route("/", explorePages());
  app.route("/", maintenancePages());
  app.route("/", deploymentPages());
  app.route("/", authRoutes());
  app.route("/", oidcRoutes());
  app.route("/", homeRoutes());
  app.route("/", searchApi());
  app.route("/", searchPages());
  app.route("/", preferenceRoutes());
  app.route("/", staticRoutes());
  mountDocs(app);

  app.notFound(notFound);
  app.onError(onError(deps.logger));
  return app;
}
