/** Projects over the API: list (search, filters, sorts), read, create, change/archive, delete (admins). */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { pageSchema } from "../../../services/platform/pagination.ts";
import { deleteProject } from "../../../services/projects/delete.ts";
import { createProject, getProjectFor, listProjects, updateProject } from "../../../services/projects/projects.ts";
import {
  CreateProjectSchema,
  ListProjectsQuerySchema,
  projectJson,
  ProjectSchema,
  UpdateProjectSchema,
} from "../../../services/projects/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const EXAMPLE = {
  id: "2d7e9c1a-5b3f-4a8e-9c6d-1e2f3a4b5c6d",
  client_id: "6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
  client_name: "Acme Corporation",
  name: "Storefront",
  slug: "storefront",
  description: "The public web shop",
  environments: [
    { name: "production", url: "https://shop.example.com" },
    { name: "staging", url: "https://staging.shop.example.com" },
  ],
  repository_url: "https://github.com/acme/storefront",
  tags: ["shop", "eu"],
  archived: false,
  archived_at: null,
  created_at: "2026-03-02T09:20:00.000Z",
  updated_at: "2026-03-02T09:20:00.000Z",
};
const one = (description: string) => ({
  description,
  content: { "application/json": { schema: ProjectSchema, example: EXAMPLE } },
});

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/projects",
  operationId: "listProjects",
  security: SIGNED_IN,
  tags: ["Projects"],
  summary: "List projects",
  description: "Needs `projects:read`; client users see only their client's projects. `q` matches part of the " +
    "name or slug; `client_id`, `tag` and `archived` filter; `sort` orders (default `name`), and the cursor " +
    "pages through that order.",
  request: { query: ListProjectsQuerySchema },
  responses: {
    200: {
      description: "A page of projects, each with its environments",
      content: {
        "application/json": {
          schema: pageSchema(ProjectSchema, "ProjectPage"),
          example: { data: [EXAMPLE], next_cursor: null },
        },
      },
    },
    ...notFoundResponse,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/projects/{id}",
  operationId: "getProject",
  security: SIGNED_IN,
  tags: ["Projects"],
  summary: "One project, with its environments",
  request: { params: IdParam },
  responses: { 200: one("The project"), ...notFoundResponse },
});

const createRouteDef = createRoute({
  method: "post",
  path: "/api/v1/projects",
  operationId: "createProject",
  security: SIGNED_IN,
  tags: ["Projects"],
  summary: "Create a project",
  description: "Needs `projects:write`. `client_id` must be an active client of the organisation (422 naming " +
    "`client_id` otherwise); the slug is unique in the organisation (409 naming `slug`); environment names are " +
    "unique within the project (422 naming `environments.N.name`); URLs are http(s).",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: CreateProjectSchema,
          example: {
            client_id: "6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
            name: "Storefront",
            slug: "storefront",
            description: "The public web shop",
            environments: EXAMPLE.environments,
            repository_url: "https://github.com/acme/storefront",
            tags: ["shop", "eu"],
          },
        },
      },
    },
  },
  responses: {
    201: one("Created"),
    403: problem("You may read projects but not create them"),
    ...notFoundResponse,
    409: problem("The slug is taken (`errors` names `slug`)"),
  },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/api/v1/projects/{id}",
  operationId: "updateProject",
  security: SIGNED_IN,
  tags: ["Projects"],
  summary: "Change, archive or restore a project",
  description: "Needs `projects:write`. Only the fields given change; `environments` replaces the list as a " +
    "whole, matched by name (a kept name keeps its deployments; removing one with deployments is a 409). " +
    "`archived: true` archives the project (the default way to remove one), `false` restores it.",
  request: {
    params: IdParam,
    body: {
      required: true,
      content: { "application/json": { schema: UpdateProjectSchema, example: { name: "Storefront EU" } } },
    },
  },
  responses: {
    200: one("The project as changed"),
    403: problem("You may read projects but not change them"),
    ...notFoundResponse,
    409: problem("The slug is taken, or a removed environment has deployments"),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/api/v1/projects/{id}",
  operationId: "deleteProject",
  security: SIGNED_IN,
  tags: ["Projects"],
  summary: "Delete a project permanently",
  description: "Needs `projects:delete` (admins). Refused with 409 while SOWs, change requests, deployments, " +
    "health checks, metrics, alert rules, alerts, notification rules or maintenance windows refer to it: " +
    "nothing cascades but its environments. Archive it instead (PATCH `archived: true`).",
  request: { params: IdParam },
  responses: {
    204: { description: "Deleted, with its environments" },
    403: problem("Only administrators delete projects"),
    ...notFoundResponse,
    409: problem('Something depends on the project: `Cannot delete project "Storefront": it has 12 deployments…`'),
  },
});

export function projectsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/projects", signedIn);
  app.use("/api/v1/projects/*", signedIn);
  app.openapi(listRoute, async (c) => {
    const page = await listProjects(c.get("deps").sql, requirePrincipal(c), c.req.valid("query"));
    return c.json({ data: page.data.map(projectJson), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const project = await getProjectFor(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(projectJson(project), 200);
  });
  app.openapi(createRouteDef, async (c) => {
    const project = await createProject(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    return c.json(projectJson(project), 201, locationOf(c, project.id));
  });
  app.openapi(updateRoute, async (c) => {
    const project = await updateProject(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(projectJson(project), 200);
  });
  app.openapi(deleteRoute, async (c) => {
    await deleteProject(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  return app;
}
