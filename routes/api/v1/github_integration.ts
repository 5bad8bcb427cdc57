/**
 * A connected GitHub integration's repositories: list them, import chosen
 * ones as projects, and set up (or remove) the deployment webhook at GitHub
 * on an imported one. Connecting GitHub itself is the common flow in
 * integrations.ts (`startIntegrationConnect` with platform `github`).
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { removeWebhook, setUpWebhook } from "../../../services/integrations/github/hooks.ts";
import {
  importGithubRepositories,
  listGithubRepositories,
} from "../../../services/integrations/github/repositories.ts";
import {
  ImportedSchema,
  ImportSchema,
  RepositoryListSchema,
  WebhookParams,
  WebhookSchema,
} from "../../../services/integrations/github/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { integrationRequestDeps } from "../../ui/integrations_deps.ts";
import { selfOrigin } from "../../middleware/csrf.ts";
import { IdParam, jsonAnswer, jsonBody, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAGS = ["Integrations"];
const REFUSED = "The integration is broken or disconnected, or GitHub refused (its words are in `detail`)";

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/integrations/{id}/repositories",
  operationId: "listGithubRepositories",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "The repositories a connected GitHub account can reach, with the project each was imported as",
  description: "Needs `settings:read`. Read live from GitHub (`GET /user/repos`, every page of its `Link` header, " +
    "up to 1,000 repositories).",
  request: { params: IdParam },
  responses: {
    200: jsonAnswer("Repositories, last pushed first", RepositoryListSchema),
    409: problem(REFUSED),
    ...notFoundResponse,
  },
});

const importRoute = createRoute({
  method: "post",
  path: "/api/v1/integrations/{id}/repositories/import",
  operationId: "importGithubRepositories",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Import repositories as projects (repository URL and default branch from GitHub)",
  description: "Needs `settings:manage` and `projects:write`. A repository some project already points at is " +
    "linked to it and answered with `created: false` (importing again creates nothing). All or nothing: one " +
    "refusal stores nothing.",
  request: {
    params: IdParam,
    body: jsonBody(ImportSchema, {
      client_id: "6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
      repositories: [{ full_name: "acme/storefront" }],
    }),
  },
  responses: {
    200: jsonAnswer("The projects, in the order asked", ImportedSchema),
    403: problem("Needs settings:manage and projects:write"),
    409: problem(`A project of that name or slug exists already (errors name the entry), or: ${REFUSED}`),
    422: problem("A field is wrong (client, or a repository GitHub does not show the account)"),
    ...notFoundResponse,
  },
});

const hookRoute = createRoute({
  method: "put",
  path: "/api/v1/integrations/{id}/webhooks/{project_id}",
  operationId: "setUpGithubWebhook",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Set up the deployment webhook at GitHub on an imported repository",
  description: "Needs `settings:manage`. Creates the hook (events `deployment`, `deployment_status`, JSON) to " +
    "`/hooks/github?tenant=<slug>`, signed with the organisation's webhook secret (generated if there is none). " +
    "Again: the old hook is deleted at GitHub and a new one made (after rotating the secret, for example).",
  request: { params: WebhookParams },
  responses: {
    200: jsonAnswer("The hook GitHub created", WebhookSchema),
    403: problem("Needs settings:manage"),
    409: problem(`The project was not imported from this account, GitHub has such a hook already, or: ${REFUSED}`),
    ...notFoundResponse,
  },
});

const unhookRoute = createRoute({
  method: "delete",
  path: "/api/v1/integrations/{id}/webhooks/{project_id}",
  operationId: "removeGithubWebhook",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Delete the deployment webhook Opsdeck set up at GitHub",
  description: "Needs `settings:manage`. A hook already deleted at GitHub counts as deleted.",
  request: { params: WebhookParams },
  responses: {
    204: { description: "Deleted" },
    403: problem("Needs settings:manage"),
    409: problem(REFUSED),
    ...notFoundResponse,
  },
});

export function githubIntegrationApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/integrations/:id/repositories", signedIn);
  app.use("/api/v1/integrations/:id/repositories/*", signedIn);
  app.use("/api/v1/integrations/:id/webhooks/*", signedIn);
  app.openapi(listRoute, async (c) => {
    const { sql, now } = c.get("deps");
    const out = await listGithubRepositories(
      sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      integrationRequestDeps(c),
      now(),
    );
    return c.json(out, 200);
  });
  app.openapi(importRoute, async (c) => {
    const projects = await importGithubRepositories(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      integrationRequestDeps(c),
      auditContext(c),
    );
    return c.json({ projects }, 200);
  });
  app.openapi(hookRoute, async (c) => {
    const { id, project_id } = c.req.valid("param");
    const hook = await setUpWebhook(
      c.get("deps").sql,
      requirePrincipal(c),
      id,
      project_id,
      { ...integrationRequestDeps(c), origin: selfOrigin(c) },
      auditContext(c),
    );
    return c.json(hook, 200);
  });
  app.openapi(unhookRoute, async (c) => {
    const { id, project_id } = c.req.valid("param");
    await removeWebhook(
      c.get("deps").sql,
      requirePrincipal(c),
      id,
      project_id,
      integrationRequestDeps(c),
      auditContext(c),
    );
    return c.body(null, 204);
  });
  return app;
}
