/** Accepting an invitation over the API (no sign-in: the token is the credential). */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { mailerFromConfig } from "../../../services/platform/mailer.ts";
import { acceptInvitation, type InviteDelivery } from "../../../services/users/invitations.ts";
import { AcceptedSchema, AcceptInvitationSchema } from "../../../services/users/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { publicOrigin } from "../../client.ts";
import { auditContext } from "../../middleware/auth.ts";
import { notFoundResponse, problem, PUBLIC } from "../openapi_shared.ts";

/**
 * Where invitation links point and how they travel. Without OPSDECK_BASE_URL
 * the link uses the origin of the inviter's own request.
 */
export function inviteDelivery(c: Context<AppEnv>): InviteDelivery {
  const { config, logger } = c.get("deps");
  return {
    baseUrl: publicOrigin(c),
    mailer: mailerFromConfig(config),
    logger,
  };
}

const acceptRoute = createRoute({
  method: "post",
  path: "/api/v1/invitations/accept",
  operationId: "acceptInvitation",
  security: PUBLIC,
  tags: ["Users"],
  summary: "Accept an invitation: set a password and activate the account",
  description: "No authentication: the token from the invite URL is the credential. The password must be 8 to " +
    "128 characters and not easy to guess (422 naming `password`). Sign in afterwards with " +
    "`POST /api/v1/sessions`.",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: AcceptInvitationSchema,
          example: { token: "3q2-7wEx…", password: "violet-anchor-drifts-42-quietly", name: "Grace Hopper" },
        },
      },
    },
  },
  responses: {
    200: { description: "The account is active", content: { "application/json": { schema: AcceptedSchema } } },
    ...notFoundResponse,
    410: problem("The invitation was already used, was withdrawn, or expired"),
  },
});

export function invitationsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(acceptRoute, async (c) => {
    const user = await acceptInvitation(c.get("deps").sql, c.req.valid("json"), auditContext(c));
    return c.json({ id: user.id, email: user.email }, 200);
  });
  return app;
}
