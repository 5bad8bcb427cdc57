/** Clients over the API: list, read, create, rename/archive, delete (admins, when nothing depends on it). */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { createClient, deleteClient, getClient, listClients, updateClient } from "../../../services/clients/clients.ts";
import {
  clientJson,
  ClientSchema,
  CreateClientSchema,
  ListClientsQuerySchema,
  UpdateClientSchema,
} from "../../../services/clients/schemas.ts";
import { pageSchema } from "../../../services/platform/pagination.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, jsonBody, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const forbidden = (what: string) => ({ 403: problem(what) });

const one = (description: string) => ({
  description,
  content: {
    "application/json": {
      schema: ClientSchema,
      example: {
        id: "6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
        name: "Acme Corporation",
        archived: false,
        archived_at: null,
        project_count: 3,
        created_at: "2026-03-02T09:15:00.000Z",
        updated_at: "2026-03-02T09:15:00.000Z",
      },
    },
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/clients",
  operationId: "listClients",
  security: SIGNED_IN,
  tags: ["Clients"],
  summary: "List clients, by name",
  description: "Needs `clients:read` (client users have none: 404). `q` matches part of the name; archived " +
    "clients are listed only with `archived=true`.",
  request: { query: ListClientsQuerySchema },
  responses: {
    200: {
      description: "A page of clients",
      content: { "application/json": { schema: pageSchema(ClientSchema, "ClientPage") } },
    },
    ...notFoundResponse,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/clients/{id}",
  operationId: "getClient",
  security: SIGNED_IN,
  tags: ["Clients"],
  summary: "One client",
  request: { params: IdParam },
  responses: { 200: one("The client"), ...notFoundResponse },
});

const createRouteDef = createRoute({
  method: "post",
  path: "/api/v1/clients",
  operationId: "createClient",
  security: SIGNED_IN,
  tags: ["Clients"],
  summary: "Create a client",
  description: "Needs `clients:write`. Names are unique in the organisation, ignoring letter case.",
  request: { body: jsonBody(CreateClientSchema, { name: "Acme Corporation" }) },
  responses: {
    201: one("Created"),
    ...forbidden("You may read clients but not create them"),
    ...notFoundResponse,
    409: problem("A client with this name already exists (`errors` names `name`)"),
  },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/api/v1/clients/{id}",
  operationId: "updateClient",
  security: SIGNED_IN,
  tags: ["Clients"],
  summary: "Rename, archive or restore a client",
  description: "Needs `clients:write`. Archiving hides the client from lists and pickers; its projects stay as " +
    "they are (archive them separately), and no new project can be created for it until it is restored.",
  request: { params: IdParam, body: jsonBody(UpdateClientSchema, { archived: true }) },
  responses: {
    200: one("The client as changed"),
    ...forbidden("You may read clients but not change them"),
    ...notFoundResponse,
    409: problem("Another client already has this name"),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/api/v1/clients/{id}",
  operationId: "deleteClient",
  security: SIGNED_IN,
  tags: ["Clients"],
  summary: "Delete a client permanently",
  description: "Needs `clients:delete` (admins). Refused with 409 while the client has any project (archived " +
    "ones too) or client user: nothing cascades. Archive it (PATCH `archived: true`) to remove it from view.",
  request: { params: IdParam },
  responses: {
    204: { description: "Deleted" },
    ...forbidden("Only administrators delete clients"),
    ...notFoundResponse,
    409: problem('Something depends on the client: `Cannot delete client "Acme": it has 3 projects…`'),
  },
});

export function clientsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/clients", signedIn);
  app.use("/api/v1/clients/*", signedIn);
  app.openapi(listRoute, async (c) => {
    const page = await listClients(c.get("deps").sql, requirePrincipal(c), c.req.valid("query"));
    return c.json({ data: page.data.map(clientJson), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const client = await getClient(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(clientJson(client), 200);
  });
  app.openapi(createRouteDef, async (c) => {
    const client = await createClient(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    return c.json(clientJson(client), 201, locationOf(c, client.id));
  });
  app.openapi(updateRoute, async (c) => {
    const { sql } = c.get("deps");
    const client = await updateClient(
      sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(clientJson(client), 200);
  });
  app.openapi(deleteRoute, async (c) => {
    await deleteClient(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  return app;
}
