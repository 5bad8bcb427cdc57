/** Statements of work over the API: list, read, create, change (status forward only), delete drafts. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { pageSchema } from "../../../services/platform/pagination.ts";
import {
  CreateSowSchema,
  ListSowsQuerySchema,
  sowJson,
  SowSchema,
  UpdateSowSchema,
} from "../../../services/sows/schemas.ts";
import { createSow, deleteSow, getSow, listSows, updateSow } from "../../../services/sows/sows.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, jsonBody, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const sowResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: SowSchema } },
});

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/sows",
  operationId: "listSows",
  security: SIGNED_IN,
  tags: ["Statements of work"],
  summary: "List statements of work, newest first",
  description: "Needs `sows:read`. Filters: `project_id`, `status`. Client users see their own client's only.",
  request: { query: ListSowsQuerySchema },
  responses: {
    200: {
      description: "A page of SOWs",
      content: { "application/json": { schema: pageSchema(SowSchema, "SowPage") } },
    },
    ...notFoundResponse,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/sows/{id}",
  operationId: "getSow",
  security: SIGNED_IN,
  tags: ["Statements of work"],
  summary: "One statement of work",
  request: { params: IdParam },
  responses: { 200: sowResponse("The SOW"), ...notFoundResponse },
});

const createSowRoute = createRoute({
  method: "post",
  path: "/api/v1/sows",
  operationId: "createSow",
  security: SIGNED_IN,
  tags: ["Statements of work"],
  summary: "Add a statement of work to a project",
  description: "Needs `sows:write`. Link the document with `document_url` or a Google Drive `drive_id`. " +
    "`value` is a decimal string and needs `currency`; `ends_on` cannot be before `starts_on`.",
  request: {
    body: jsonBody(CreateSowSchema, {
      project_id: "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19",
      name: "Phase 1: storefront relaunch",
      drive_id: "1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvW",
      starts_on: "2025-03-15",
      ends_on: "2025-09-30",
      value: "12500.00",
      currency: "EUR",
    }),
  },
  responses: {
    201: sowResponse("Created"),
    403: problem("Your role may read SOWs but not write them"),
    404: problem("No such project, or not visible to the caller"),
    409: problem("The project is archived"),
  },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/api/v1/sows/{id}",
  operationId: "updateSow",
  security: SIGNED_IN,
  tags: ["Statements of work"],
  summary: "Change a statement of work",
  description: "Needs `sows:write`. `null` clears an optional field. Status moves forward only " +
    "(draft → signed → active → closed, steps may be skipped); closed is final. The project cannot change.",
  request: { params: IdParam, body: jsonBody(UpdateSowSchema, { status: "signed", signed_on: "2025-03-01" }) },
  responses: {
    200: sowResponse("The SOW as changed"),
    403: problem("Your role may read SOWs but not write them"),
    ...notFoundResponse,
    409: problem("The status change goes backwards, or the SOW is closed"),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/api/v1/sows/{id}",
  operationId: "deleteSow",
  security: SIGNED_IN,
  tags: ["Statements of work"],
  summary: "Delete a draft statement of work",
  description: "Needs `sows:delete` (admins). Only drafts with no change requests under them; close the others.",
  request: { params: IdParam },
  responses: {
    204: { description: "Deleted" },
    403: problem("Your role cannot delete SOWs"),
    ...notFoundResponse,
    409: problem("The SOW is not a draft, or change requests are filed under it"),
  },
});

export function sowsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/sows", signedIn);
  app.use("/api/v1/sows/*", signedIn);
  app.openapi(listRoute, async (c) => {
    const page = await listSows(c.get("deps").sql, requirePrincipal(c), c.req.valid("query"));
    return c.json({ data: page.data.map(sowJson), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const sow = await getSow(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(sowJson(sow), 200);
  });
  app.openapi(createSowRoute, async (c) => {
    const sow = await createSow(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    return c.json(sowJson(sow), 201, locationOf(c, sow.id));
  });
  app.openapi(updateRoute, async (c) => {
    const { sql } = c.get("deps");
    const sow = await updateSow(
      sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(sowJson(sow), 200);
  });
  app.openapi(deleteRoute, async (c) => {
    await deleteSow(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  return app;
}
