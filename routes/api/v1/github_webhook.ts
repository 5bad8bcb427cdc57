/** The organisation's GitHub webhook: its payload URL, and generating the signing secret (admins). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { rotateWebhookSecret, webhookKeyring, webhookStatus } from "../../../services/github/secret.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { selfOrigin } from "../../middleware/csrf.ts";
import { notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAGS = ["Deployments"];

const StatusSchema = z.object({
  configured: z.boolean().openapi({ description: "Whether a secret has been generated" }),
  updated_at: z.string().nullable().openapi({ format: "date-time" }),
  payload_url: z.string().openapi({ example: "https://opsdeck.example.com/hooks/github?tenant=agency" }),
}).openapi("GithubWebhook");

const SecretSchema = StatusSchema.extend({
  secret: z.string().openapi({
    description: "Paste into the GitHub webhook's Secret field; shown only now",
    example: "odw_3q2Xb…",
  }),
}).openapi("GithubWebhookSecret");

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/github-webhook",
  operationId: "getGithubWebhook",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "The GitHub webhook's payload URL and whether its secret is set",
  description: "Needs `settings:manage`. In GitHub: Settings → Webhooks → Add webhook, content type " +
    "`application/json`, events `Deployments` and `Deployment statuses`.",
  responses: {
    200: { description: "The webhook settings", content: { "application/json": { schema: StatusSchema } } },
    ...notFoundResponse,
  },
});

const rotateRoute = createRoute({
  method: "post",
  path: "/api/v1/github-webhook/secret",
  operationId: "rotateGithubWebhookSecret",
  security: SIGNED_IN,
  tags: TAGS,
  summary: "Generate (or replace) the GitHub webhook secret",
  description: "Needs `settings:manage`. The old secret stops verifying at once. The new one is in this answer only.",
  responses: {
    201: { description: "The new secret", content: { "application/json": { schema: SecretSchema } } },
    403: problem("The caller may not manage settings"),
    ...notFoundResponse,
  },
});

export function githubWebhookApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/github-webhook", signedIn);
  app.use("/api/v1/github-webhook/*", signedIn);
  app.openapi(getRoute, async (c) => {
    return c.json(await webhookStatus(c.get("deps").sql, requirePrincipal(c), selfOrigin(c)), 200);
  });
  app.openapi(rotateRoute, async (c) => {
    const { sql, secret, config } = c.get("deps");
    const principal = requirePrincipal(c);
    const keyring = await webhookKeyring({ current: secret, previous: config.previousSecrets });
    const newSecret = await rotateWebhookSecret(sql, principal, keyring, auditContext(c));
    const status = await webhookStatus(sql, principal, selfOrigin(c));
    return c.json({ ...status, secret: newSecret }, 201, { Location: "/api/v1/github-webhook" });
  });
  return app;
}
