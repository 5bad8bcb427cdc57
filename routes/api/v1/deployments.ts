/** Deployments over the API: CI reports them (Idempotency-Key aware), anyone with read access lists them. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  createDeployment,
  getDeployment,
  listDeployments,
  updateDeploymentStatus,
} from "../../../services/deployments/deployments.ts";
import {
  CreateDeploymentSchema,
  deploymentJson,
  DeploymentSchema,
  ListDeploymentsQuerySchema,
  UpdateDeploymentSchema,
} from "../../../services/deployments/schemas.ts";
import { pageSchema } from "../../../services/platform/pagination.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAGS = ["Deployments"];

const IdempotencyHeaders = z.object({
  "idempotency-key": z.string().optional().openapi({
    param: { in: "header" },
    description: "Any unique string per logical request (a UUID, or the CI run id + step). A retry with the same " +
      "key and body gets the first answer again (with `Idempotent-Replayed: true`) and records nothing new; the " +
      "same key with a different body is a 422. Keys are kept 24 hours.",
    example: "gha-8123456789-1-deploy-start",
  }),
});

const deploymentResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: DeploymentSchema } },
});

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/deployments",
  operationId: "listDeployments",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "List deployments, newest first",
  description: "Needs `deployments:read`. Filters: `project_id`, `environment`, `status`, `since`, `until` (on the " +
    "time the deployment was recorded). Client users see their own client's projects' deployments only.",
  request: { query: ListDeploymentsQuerySchema },
  responses: {
    200: {
      description: "A page of deployments",
      content: { "application/json": { schema: pageSchema(DeploymentSchema, "DeploymentPage") } },
    },
    ...notFoundResponse,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/deployments/{id}",
  operationId: "getDeployment",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "One deployment",
  request: { params: IdParam },
  responses: { 200: deploymentResponse("The deployment"), ...notFoundResponse },
});

const createDeploymentRoute = createRoute({
  method: "post",
  path: "/api/v1/deployments",
  operationId: "createDeployment",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Record a deployment (from CI)",
  description: "Needs `deployments:write`: an API key scoped to `deployments:write` is all a CI job needs. Name " +
    "the project by `project_id` or `project_slug`; an environment the project does not have yet is added to it. " +
    "`commit_sha` is 7–40 hex characters, stored lower-case. Starting `in_progress` emits `deployment.started`; " +
    "`succeeded` / `failed` emit `deployment.succeeded` / `deployment.failed`. Send `Idempotency-Key` so a " +
    "retried CI step never records twice.",
  request: {
    headers: IdempotencyHeaders,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: CreateDeploymentSchema,
          example: {
            project_slug: "storefront",
            environment: "production",
            status: "in_progress",
            commit_sha: "9f2c1e7b4a3d5e6f7a8b9c0d1e2f3a4b5c6d7e8f",
            ref: "main",
            url: "https://github.com/acme/storefront/actions/runs/8123456789",
            actor: "octocat",
            committed_at: "2025-03-01T09:12:00Z",
          },
        },
      },
    },
  },
  responses: {
    201: deploymentResponse("Recorded (or, for a retry with the same Idempotency-Key, the first answer replayed)"),
    202: deploymentResponse(
      "The environment is protected: the deployment is recorded `queued` with a pending `approval`; wait on its " +
        "`wait_url` before moving it on (docs/approvals.md)",
    ),
    403: problem("Your role or key may read deployments but not record them"),
    404: problem("The caller may not see deployments at all"),
    409: problem("The project is archived"),
  },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/api/v1/deployments/{id}",
  operationId: "updateDeployment",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Change a deployment's status",
  description: "Allowed: `queued → in_progress | failed | cancelled`, `in_progress → succeeded | failed | " +
    "cancelled`, `succeeded → rolled_back`; nothing goes back to `in_progress`. Starting sets `started_at`, " +
    "finishing sets `finished_at` (unless given). Sending the current status again changes nothing (a retried " +
    "step). Any other change is a 409 naming the current status.",
  request: {
    params: IdParam,
    body: {
      required: true,
      content: { "application/json": { schema: UpdateDeploymentSchema, example: { status: "succeeded" } } },
    },
  },
  responses: {
    200: deploymentResponse("The deployment as changed"),
    403: problem("Your role or key may read deployments but not change them"),
    ...notFoundResponse,
    409: problem(
      "The change is not allowed from the current status, or the deploy gate is not approved; the message names it",
    ),
  },
});

export function deploymentsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/deployments", signedIn);
  app.use("/api/v1/deployments/*", signedIn);
  app.openapi(listRoute, async (c) => {
    const page = await listDeployments(c.get("deps").sql, requirePrincipal(c), c.req.valid("query"));
    return c.json({ data: page.data.map(deploymentJson), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const deployment = await getDeployment(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(deploymentJson(deployment), 200);
  });
  app.openapi(createDeploymentRoute, async (c) => {
    const result = await createDeployment(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("json"),
      auditContext(c),
      {
        idempotencyKey: c.req.valid("header")["idempotency-key"],
        path: c.req.path,
        baseUrl: c.get("deps").config.baseUrl,
      },
    );
    if (result.replayed) c.header("Idempotent-Replayed", "true");
    return c.json(result.body, result.status === 202 ? 202 : 201, locationOf(c, result.body.id));
  });
  app.openapi(updateRoute, async (c) => {
    const { sql } = c.get("deps");
    const deployment = await updateDeploymentStatus(
      sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(deploymentJson(deployment), 200);
  });
  return app;
}
