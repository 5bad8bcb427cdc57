/** Roles over the API: built-in and custom roles with their permissions; custom ones can be changed. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { pageSchema } from "../../../services/platform/pagination.ts";
import { createRole, deleteRole, getRole, listRoles, updateRole } from "../../../services/roles/roles.ts";
import {
  CreateRoleSchema,
  ListRolesQuerySchema,
  roleJson,
  RoleSchema,
  UpdateRoleSchema,
} from "../../../services/roles/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const example = {
  name: "Release manager",
  description: "Ships releases; reads everything else",
  permissions: ["projects:read", "deployments:read", "deployments:write"],
};

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/roles",
  operationId: "listRoles",
  security: SIGNED_IN,
  tags: ["Roles"],
  summary: "List roles: the built-in ones first, then the organisation's own, by name",
  description: "Needs `roles:read`.",
  request: { query: ListRolesQuerySchema },
  responses: {
    200: {
      description: "A page of roles",
      content: { "application/json": { schema: pageSchema(RoleSchema, "RolePage") } },
    },
    ...notFoundResponse,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/roles/{id}",
  operationId: "getRole",
  security: SIGNED_IN,
  tags: ["Roles"],
  summary: "One role",
  request: { params: IdParam },
  responses: {
    200: { description: "The role", content: { "application/json": { schema: RoleSchema } } },
    ...notFoundResponse,
  },
});

const createRoleRoute = createRoute({
  method: "post",
  path: "/api/v1/roles",
  operationId: "createRole",
  security: SIGNED_IN,
  tags: ["Roles"],
  summary: "Create a custom role",
  description: "Needs `roles:manage`. Permissions are `resource:action` strings (422 naming `permissions.N` for " +
    "an invalid one); you cannot grant permissions you do not hold (403).",
  request: { body: { required: true, content: { "application/json": { schema: CreateRoleSchema, example } } } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: RoleSchema } } },
    403: problem("You may read roles but not manage them, or you do not hold a permission you grant"),
    ...notFoundResponse,
    409: problem("A role with that name already exists"),
  },
});

const updateRoleRoute = createRoute({
  method: "patch",
  path: "/api/v1/roles/{id}",
  operationId: "updateRole",
  security: SIGNED_IN,
  tags: ["Roles"],
  summary: "Change a custom role's name, description or permissions",
  description: "Needs `roles:manage`. `permissions` replaces the whole set. Users holding the role get the new " +
    "permissions on their next request. Built-in roles cannot be changed (403).",
  request: {
    params: IdParam,
    body: {
      required: true,
      content: { "application/json": { schema: UpdateRoleSchema, example: { permissions: example.permissions } } },
    },
  },
  responses: {
    200: { description: "The role as changed", content: { "application/json": { schema: RoleSchema } } },
    403: problem("A built-in role, or permissions you do not hold"),
    ...notFoundResponse,
    409: problem("A role with that name already exists"),
  },
});

const deleteRoleRoute = createRoute({
  method: "delete",
  path: "/api/v1/roles/{id}",
  operationId: "deleteRole",
  security: SIGNED_IN,
  tags: ["Roles"],
  summary: "Delete a custom role nobody holds",
  request: { params: IdParam },
  responses: {
    204: { description: "Deleted" },
    403: problem("A built-in role, or you may not manage roles"),
    ...notFoundResponse,
    409: problem("Users hold the role: give them another one first"),
  },
});

export function rolesApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/roles", signedIn);
  app.use("/api/v1/roles/*", signedIn);
  app.openapi(listRoute, async (c) => {
    const page = await listRoles(c.get("deps").sql, requirePrincipal(c), c.req.valid("query"));
    return c.json({ data: page.data.map(roleJson), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const role = await getRole(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(roleJson(role), 200);
  });
  app.openapi(createRoleRoute, async (c) => {
    const role = await createRole(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    return c.json(roleJson(role), 201, locationOf(c, role.id));
  });
  app.openapi(updateRoleRoute, async (c) => {
    const principal = requirePrincipal(c);
    const role = await updateRole(
      c.get("deps").sql,
      principal,
      c.req.valid("param").id,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(roleJson(role), 200);
  });
  app.openapi(deleteRoleRoute, async (c) => {
    await deleteRole(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  return app;
}
