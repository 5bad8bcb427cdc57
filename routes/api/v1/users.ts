/** Users over the API: list, read, invite, change (role, client, status), re-invite. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { pageSchema } from "../../../services/platform/pagination.ts";
import { type InvitationResult, inviteUser, resendInvitation } from "../../../services/users/invitations.ts";
import {
  InvitationSchema,
  InviteUserSchema,
  ListUsersQuerySchema,
  UpdateUserSchema,
  userJson,
  UserSchema,
} from "../../../services/users/schemas.ts";
import { getUser, listUsers, updateUser } from "../../../services/users/users.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { inviteDelivery } from "./invitations.ts";
import { IdParam, jsonBody, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/users",
  operationId: "listUsers",
  security: SIGNED_IN,
  tags: ["Users"],
  summary: "List the organisation's users, by e-mail",
  description: "Needs `users:read`. Filters: `status`, `role` (name or id), `client_id`.",
  request: { query: ListUsersQuerySchema },
  responses: {
    200: {
      description: "A page of users",
      content: { "application/json": { schema: pageSchema(UserSchema, "UserPage") } },
    },
    ...notFoundResponse,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/users/{id}",
  operationId: "getUser",
  security: SIGNED_IN,
  tags: ["Users"],
  summary: "One user",
  request: { params: IdParam },
  responses: {
    200: { description: "The user", content: { "application/json": { schema: UserSchema } } },
    ...notFoundResponse,
  },
});

const inviteRoute = createRoute({
  method: "post",
  path: "/api/v1/users",
  operationId: "inviteUser",
  security: SIGNED_IN,
  tags: ["Users"],
  summary: "Invite a user",
  description: "Needs `users:manage`. Creates the user as `invited` and returns a single-use link valid for 7 " +
    "days; it is also e-mailed when SMTP_URL is set. The `client` role needs `client_id`. You cannot give a " +
    "role carrying permissions you do not hold (403).",
  request: {
    body: jsonBody(InviteUserSchema, { email: "grace@example.com", name: "Grace Hopper", role: "employee" }),
  },
  responses: {
    201: { description: "Invited", content: { "application/json": { schema: InvitationSchema } } },
    403: problem("You may read users but not manage them, or the role carries permissions you do not hold"),
    ...notFoundResponse,
    409: problem("The e-mail address already has an account"),
  },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/api/v1/users/{id}",
  operationId: "updateUser",
  security: SIGNED_IN,
  tags: ["Users"],
  summary: "Change a user's name, role, client or status",
  description: "Needs `users:manage`. A change of role or client, and suspension or deactivation, end all of " +
    "the user's sessions at once; suspended and inactive users' API keys stop working. Nobody changes their " +
    "own role, client or status (403). Reactivating someone who never accepted their invitation makes them " +
    "`invited` again, ready for a new link.",
  request: { params: IdParam, body: jsonBody(UpdateUserSchema, { role: "admin" }) },
  responses: {
    200: { description: "The user as changed", content: { "application/json": { schema: UserSchema } } },
    403: problem("Not allowed: your own role or status, a super-admin, or a more powerful role"),
    ...notFoundResponse,
    409: problem("An invited user cannot be set active: they become active by accepting"),
  },
});

const resendRoute = createRoute({
  method: "post",
  path: "/api/v1/users/{id}/invitation",
  operationId: "reissueInvitation",
  security: SIGNED_IN,
  tags: ["Users"],
  summary: "Issue a new invitation link for a user who has not accepted yet",
  description: "Needs `users:manage`. The user's older links stop working.",
  request: { params: IdParam },
  responses: {
    201: { description: "A new link", content: { "application/json": { schema: InvitationSchema } } },
    403: problem("You may read users but not manage them"),
    ...notFoundResponse,
    409: problem("The user is not in the invited state"),
  },
});

const invitationJson = (r: InvitationResult) => ({
  id: r.user.id,
  status: "invited" as const,
  invite_url: r.url,
  expires_at: r.expiresAt.toISOString(),
  email_sent: r.emailSent,
});

export function usersApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/users", signedIn);
  app.use("/api/v1/users/*", signedIn);
  app.openapi(listRoute, async (c) => {
    const page = await listUsers(c.get("deps").sql, requirePrincipal(c), c.req.valid("query"));
    return c.json({ data: page.data.map(userJson), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const user = await getUser(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(userJson(user), 200);
  });
  app.openapi(inviteRoute, async (c) => {
    const principal = requirePrincipal(c);
    const result = await inviteUser(
      c.get("deps").sql,
      principal,
      c.req.valid("json"),
      auditContext(c),
      inviteDelivery(c),
    );
    return c.json(invitationJson(result), 201, locationOf(c, result.user.id));
  });
  app.openapi(updateRoute, async (c) => {
    const principal = requirePrincipal(c);
    const user = await updateUser(
      c.get("deps").sql,
      principal,
      c.req.valid("param").id,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(userJson(user), 200);
  });
  app.openapi(resendRoute, async (c) => {
    const principal = requirePrincipal(c);
    const result = await resendInvitation(
      c.get("deps").sql,
      principal,
      c.req.valid("param").id,
      auditContext(c),
      inviteDelivery(c),
    );
    return c.json(invitationJson(result), 201, { Location: `/api/v1/users/${result.user.id}` });
  });
  return app;
}
