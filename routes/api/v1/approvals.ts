/** Approvals over the API: the inbox, general and access requests, decisions, comments, CI's wait, policies, gates. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { requestAccess } from "../../../services/approvals/access.ts";
import {
  addComment,
  createApproval,
  decideApproval,
  getApproval,
  listApprovals,
} from "../../../services/approvals/approvals.ts";
import { waitForDecision } from "../../../services/approvals/wait.ts";
import { listGates, setProtection } from "../../../services/approvals/deploy_gate.ts";
import { listPolicies, setPolicy } from "../../../services/approvals/policies.ts";
import {
  AccessRequestSchema,
  ApprovalCommentSchema,
  approvalJson,
  ApprovalSchema,
  commentJson,
  CommentSchema,
  CreateApprovalSchema,
  DecisionSchema,
  ListApprovalsQuerySchema,
  policyJson,
  PolicySchema,
  WaitQuerySchema,
} from "../../../services/approvals/schemas.ts";
import { pageSchema } from "../../../services/platform/pagination.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, jsonAnswer, jsonBody, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAGS = ["Approvals"];

const ApprovalDetailSchema = ApprovalSchema.extend({ comments: z.array(ApprovalCommentSchema) })
  .openapi("ApprovalDetail");
const GateSchema = z.object({
  project_id: z.uuid(),
  project_name: z.string(),
  environment: z.string().openapi({ example: "production" }),
  protected: z.boolean(),
}).openapi("DeployGate");
const GateParams = z.object({
  project_id: z.uuid().openapi({ param: { name: "project_id", in: "path" } }),
  environment: z.string().min(1).max(100).openapi({
    param: { name: "environment", in: "path" },
    example: "production",
  }),
});

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/approvals",
  operationId: "listApprovals",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "List approval requests, newest first",
  description: "Needs `approvals:read`. Filters: `status`, `type`, `view` (`mine`, `to_decide`).",
  request: { query: ListApprovalsQuerySchema },
  responses: {
    200: jsonAnswer("A page of approval requests", pageSchema(ApprovalSchema, "ApprovalPage")),
    ...notFoundResponse,
  },
});

const createApprovalRoute = createRoute({
  method: "post",
  path: "/api/v1/approvals",
  operationId: "createApproval",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Ask for an approval (type `general`)",
  description: "Needs `approvals:write`. Without `approver_id`, the `general` policy's role (admins by default) " +
    "decides. Emits `approval.requested` and e-mails the approvers.",
  request: { body: jsonBody(CreateApprovalSchema, { title: "Rotate the production database password" }) },
  responses: {
    201: jsonAnswer("Filed", ApprovalSchema),
    403: problem("Your role may read approvals but not ask for them"),
    ...notFoundResponse,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/approvals/{id}",
  operationId: "getApproval",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "One approval request with its comments",
  request: { params: IdParam },
  responses: { 200: jsonAnswer("The request", ApprovalDetailSchema), ...notFoundResponse },
});

const waitRoute = createRoute({
  method: "get",
  path: "/api/v1/approvals/{id}/wait",
  operationId: "waitForApproval",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Long-poll until the request is decided (CI's deploy gate)",
  description: "Answers as soon as the request is no longer `pending`, or after `timeout_seconds` (capped one " +
    "second below the server's request timeout) with it still pending: call again until the status is " +
    "`approved`, `rejected` or `expired`. A CI key needs `approvals:read`.",
  request: { params: IdParam, query: WaitQuerySchema },
  responses: { 200: jsonAnswer("The request, decided or still pending", ApprovalSchema), ...notFoundResponse },
});

const decisionRoute = (verb: "approve" | "reject") =>
  createRoute({
    method: "post",
    path: `/api/v1/approvals/{id}/${verb}`,
    operationId: `${verb}Approval`,
    security: SIGNED_IN,
    tags: TAGS,
    summary: verb === "approve" ? "Approve a pending request" : "Reject a pending request",
    description: "The named approver, a holder of the approver role, or `approvals:manage`. Never the requester " +
      "(403). Emits `approval.decided`; rejecting a deploy gate cancels the deployment, approving an access " +
      "request gives the role.",
    request: {
      params: IdParam,
      body: { required: false, content: { "application/json": { schema: DecisionSchema } } },
    },
    responses: {
      200: jsonAnswer(verb === "approve" ? "Approved" : "Rejected", ApprovalSchema),
      403: problem("The caller asked for it, or may not decide it"),
      ...notFoundResponse,
      409: problem("Already decided, or expired (then it is marked expired)"),
    },
  });

const commentRoute = createRoute({
  method: "post",
  path: "/api/v1/approvals/{id}/comments",
  operationId: "commentOnApproval",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Add a comment to a request",
  request: { params: IdParam, body: jsonBody(CommentSchema, { body: "Is the rollback tested?" }) },
  responses: {
    201: jsonAnswer("The request's comments, in order", z.array(ApprovalCommentSchema)),
    403: problem("Your role may read approvals but not comment"),
    ...notFoundResponse,
  },
});

const accessRoute = createRoute({
  method: "post",
  path: "/api/v1/access-requests",
  operationId: "requestAccess",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Ask for a role or to read one data source",
  description: "Files an approval of type `access` for `role_id` or `data_source_id` (exactly one). When approved " +
    "the caller gets the role at once (their sessions end so the new permissions apply), or a grant to read " +
    "that data source (`/api/v1/data-source-grants`).",
  request: {
    body: jsonBody(AccessRequestSchema, {
      role_id: "6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
      reason: "I take over on-call from next week",
    }),
  },
  responses: {
    201: jsonAnswer("Filed", ApprovalSchema),
    403: problem("Your role may read approvals but not ask for them"),
    ...notFoundResponse,
  },
});

const listPoliciesRoute = createRoute({
  method: "get",
  path: "/api/v1/approval-policies",
  operationId: "listApprovalPolicies",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Who approves each type, and how long requests stay open",
  responses: { 200: jsonAnswer("One policy per type", z.array(PolicySchema)), ...notFoundResponse },
});

const putPolicyRoute = createRoute({
  method: "put",
  path: "/api/v1/approval-policies",
  operationId: "setApprovalPolicy",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Set one type's policy",
  description: "Needs `approvals:manage`. Applies to requests filed from now on.",
  request: {
    body: jsonBody(PolicySchema, { type: "deployment", approver_role_id: null, expires_after_minutes: 60 }),
  },
  responses: {
    200: jsonAnswer("The policy", PolicySchema),
    403: problem("Needs approvals:manage"),
    ...notFoundResponse,
  },
});

const listGatesRoute = createRoute({
  method: "get",
  path: "/api/v1/deploy-gates",
  operationId: "listDeployGates",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Project environments and whether each is protected",
  responses: { 200: jsonAnswer("Every environment", z.array(GateSchema)), ...notFoundResponse },
});

const putGateRoute = createRoute({
  method: "put",
  path: "/api/v1/deploy-gates/{project_id}/{environment}",
  operationId: "setDeployGate",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Protect or unprotect an environment",
  description: "Needs `approvals:manage`. Deployments recorded through the API to a protected environment wait " +
    "for approval (202 with `approval`).",
  request: {
    params: GateParams,
    body: jsonBody(z.strictObject({ protected: z.boolean() }).openapi("DeployGateUpdate"), { protected: true }),
  },
  responses: {
    200: jsonAnswer("The environment", GateSchema),
    403: problem("Needs approvals:manage"),
    ...notFoundResponse,
  },
});

export function approvalsApi() {
  const app = new OpenAPIHono<AppEnv>();
  for (const prefix of ["/api/v1/approvals", "/api/v1/access-requests", "/api/v1/approval-policies"]) {
    app.use(prefix, signedIn);
  }
  app.use("/api/v1/approvals/*", signedIn);
  app.use("/api/v1/deploy-gates", signedIn);
  app.use("/api/v1/deploy-gates/*", signedIn);
  app.openapi(listRoute, async (c) => {
    const page = await listApprovals(c.get("deps").sql, requirePrincipal(c), c.req.valid("query"));
    return c.json({ data: page.data.map(approvalJson), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(createApprovalRoute, async (c) => {
    const { sql, config } = c.get("deps");
    const a = await createApproval(sql, requirePrincipal(c), c.req.valid("json"), auditContext(c), config.baseUrl);
    return c.json(approvalJson(a), 201, locationOf(c, a.id));
  });
  app.openapi(getRoute, async (c) => {
    const { approval, comments } = await getApproval(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      auditContext(c),
    );
    return c.json({ ...approvalJson(approval), comments: comments.map(commentJson) }, 200);
  });
  app.openapi(waitRoute, async (c) => {
    const { sql, config, now } = c.get("deps");
    const cap = Math.max(0, Math.floor(config.requestTimeoutMs / 1000) - 1);
    const seconds = Math.min(c.req.valid("query").timeout_seconds ?? 5, cap);
    const { ip, userAgent } = auditContext(c);
    const a = await waitForDecision(sql, requirePrincipal(c), c.req.valid("param").id, {
      seconds,
      now,
      ip: { ip, userAgent },
      pollMs: config.approvalWaitPollMs,
    });
    return c.json(approvalJson(a), 200);
  });
  for (const [verb, decision] of [["approve", "approved"], ["reject", "rejected"]] as const) {
    app.openapi(decisionRoute(verb), async (c) => {
      const a = await decideApproval(
        c.get("deps").sql,
        requirePrincipal(c),
        c.req.valid("param").id,
        decision,
        c.req.valid("json") ?? {},
        auditContext(c),
      );
      return c.json(approvalJson(a), 200);
    });
  }
  app.openapi(commentRoute, async (c) => {
    const comments = await addComment(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(comments.map(commentJson), 201);
  });
  app.openapi(accessRoute, async (c) => {
    const { sql, config } = c.get("deps");
    const a = await requestAccess(sql, requirePrincipal(c), c.req.valid("json"), auditContext(c), config.baseUrl);
    return c.json(approvalJson(a), 201, { Location: `/api/v1/approvals/${a.id}` });
  });
  app.openapi(listPoliciesRoute, async (c) => {
    return c.json((await listPolicies(c.get("deps").sql, requirePrincipal(c))).map(policyJson), 200);
  });
  app.openapi(putPolicyRoute, async (c) => {
    const p = await setPolicy(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    return c.json(policyJson(p), 200);
  });
  app.openapi(listGatesRoute, async (c) => {
    return c.json(await listGates(c.get("deps").sql, requirePrincipal(c)), 200);
  });
  app.openapi(putGateRoute, async (c) => {
    const { project_id, environment } = c.req.valid("param");
    const gate = await setProtection(
      c.get("deps").sql,
      requirePrincipal(c),
      project_id,
      environment,
      c.req.valid("json").protected,
      auditContext(c),
    );
    return c.json(gate, 200);
  });
  return app;
}
