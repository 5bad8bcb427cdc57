/** Change requests over the API: file, list, read, edit while pending, approve/reject, complete. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import {
  createChangeRequest,
  getChangeRequest,
  listChangeRequests,
  updateChangeRequest,
} from "../../../services/change_requests/change_requests.ts";
import {
  changeRequestJson,
  ChangeRequestSchema,
  CreateChangeRequestSchema,
  DecisionSchema,
  ListChangeRequestsQuerySchema,
  UpdateChangeRequestSchema,
} from "../../../services/change_requests/schemas.ts";
import { completeChangeRequest, decideChangeRequest } from "../../../services/change_requests/workflow.ts";
import { pageSchema } from "../../../services/platform/pagination.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAGS = ["Change requests"];

const crResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ChangeRequestSchema } },
});

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/change-requests",
  operationId: "listChangeRequests",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "List change requests, newest first",
  description: "Needs `change_requests:read`. Filters: `project_id`, `status`, `priority`. Client users see the " +
    "requests on their own client's projects only.",
  request: { query: ListChangeRequestsQuerySchema },
  responses: {
    200: {
      description: "A page of change requests",
      content: { "application/json": { schema: pageSchema(ChangeRequestSchema, "ChangeRequestPage") } },
    },
    ...notFoundResponse,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/change-requests/{id}",
  operationId: "getChangeRequest",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "One change request",
  request: { params: IdParam },
  responses: { 200: crResponse("The change request"), ...notFoundResponse },
});

const createCrRoute = createRoute({
  method: "post",
  path: "/api/v1/change-requests",
  operationId: "createChangeRequest",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "File a change request on a project",
  description: "Needs `change_requests:write`; client users may file on their own client's projects. The caller " +
    "is the requester; the request starts `pending`. Emits `change_request.created`.",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: CreateChangeRequestSchema,
          example: {
            project_id: "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19",
            title: "Add single sign-on to the staff portal",
            description: "Staff should sign in with their Google accounts.",
            priority: "high",
          },
        },
      },
    },
  },
  responses: {
    201: crResponse("Filed"),
    403: problem("Your role may read change requests but not file them"),
    404: problem("No such project, or not visible to the caller"),
    409: problem("The project is archived"),
  },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/api/v1/change-requests/{id}",
  operationId: "updateChangeRequest",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Edit a pending change request",
  description: "Title, description, priority, document and SOW, while the request is pending: by its requester, " +
    "or by staff with `change_requests:write`. `null` clears an optional field.",
  request: {
    params: IdParam,
    body: {
      required: true,
      content: { "application/json": { schema: UpdateChangeRequestSchema, example: { priority: "critical" } } },
    },
  },
  responses: {
    200: crResponse("The change request as edited"),
    403: problem("Not the requester, and not staff who may write change requests"),
    ...notFoundResponse,
    409: problem("The request is no longer pending"),
  },
});

const decisionBody = (example: string) => ({
  required: false,
  content: { "application/json": { schema: DecisionSchema, example: { comment: example } } },
});

const decisionRoute = (decision: "approve" | "reject") =>
  createRoute({
    method: "post",
    path: `/api/v1/change-requests/{id}/${decision}`,
    operationId: `${decision}ChangeRequest`,
    security: SIGNED_IN,
    tags: TAGS,
    summary: decision === "approve" ? "Approve a pending change request" : "Reject a pending change request",
    description: "Needs `change_requests:write` on a staff account (client users file requests, they do not " +
      "decide them). Records the approver, `decided_at` and the optional comment; emits `change_request.decided`.",
    request: {
      params: IdParam,
      body: decisionBody(decision === "approve" ? "Approved for the March release." : "Out of scope for phase 1."),
    },
    responses: {
      200: crResponse(decision === "approve" ? "Approved" : "Rejected"),
      403: problem("The caller may not decide change requests"),
      ...notFoundResponse,
      409: problem("The request is not pending; the message names its status"),
    },
  });

const completeRoute = createRoute({
  method: "post",
  path: "/api/v1/change-requests/{id}/complete",
  operationId: "completeChangeRequest",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Mark an approved change request completed",
  description: "Needs `change_requests:write` on a staff account. Sets `resolved_at`.",
  request: { params: IdParam },
  responses: {
    200: crResponse("Completed"),
    403: problem("The caller may not complete change requests"),
    ...notFoundResponse,
    409: problem("The request is not approved; the message names its status"),
  },
});

export function changeRequestsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/change-requests", signedIn);
  app.use("/api/v1/change-requests/*", signedIn);
  app.openapi(listRoute, async (c) => {
    const page = await listChangeRequests(c.get("deps").sql, requirePrincipal(c), c.req.valid("query"));
    return c.json({ data: page.data.map(changeRequestJson), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const cr = await getChangeRequest(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(changeRequestJson(cr), 200);
  });
  app.openapi(createCrRoute, async (c) => {
    const { sql, config } = c.get("deps");
    const cr = await createChangeRequest(
      sql,
      requirePrincipal(c),
      c.req.valid("json"),
      auditContext(c),
      config.baseUrl,
    );
    return c.json(changeRequestJson(cr), 201, locationOf(c, cr.id));
  });
  app.openapi(updateRoute, async (c) => {
    const { sql } = c.get("deps");
    const id = c.req.valid("param").id;
    const cr = await updateChangeRequest(sql, requirePrincipal(c), id, c.req.valid("json"), auditContext(c));
    return c.json(changeRequestJson(cr), 200);
  });
  for (const [verb, decision] of [["approve", "approved"], ["reject", "rejected"]] as const) {
    app.openapi(decisionRoute(verb), async (c) => {
      const { sql } = c.get("deps");
      const id = c.req.valid("param").id;
      const cr = await decideChangeRequest(
        sql,
        requirePrincipal(c),
        id,
        decision,
        c.req.valid("json"),
        auditContext(c),
      );
      return c.json(changeRequestJson(cr), 200);
    });
  }
  app.openapi(completeRoute, async (c) => {
    const cr = await completeChangeRequest(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      auditContext(c),
    );
    return c.json(changeRequestJson(cr), 200);
  });
  return app;
}
