/**
 * Inbound GitHub webhooks (POST /hooks/github). No session or API key: the
 * HMAC signature under the tenant's secret is the authentication, checked by
 * services/github/webhook.ts before anything is stored.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { receiveGithubHook } from "../../services/github/webhook.ts";
import { webhookKeyring } from "../../services/github/secret.ts";
import type { Keyring } from "../../services/platform/secrets/crypto.ts";
import type { AppEnv } from "../deps.ts";
import { auditContext } from "../middleware/auth.ts";
import { problem, PUBLIC } from "../api/openapi_shared.ts";

const HookResultSchema = z.object({
  result: z.enum(["applied", "unchanged", "ignored", "pong"]),
  detail: z.string().openapi({ example: "Webhook verified" }),
  deployment_id: z.uuid().optional(),
}).openapi("GithubHookResult");

/**
 * Documented, not validated by the router: the signature covers the raw bytes, so the handler reads them itself
 * and GitHub's payload schemas are GitHub's.
 */
const documentation = createRoute({
  method: "post",
  path: "/hooks/github",
  operationId: "receiveGithubWebhook",
  security: PUBLIC,
  tags: ["Deployments"],
  summary: "GitHub webhook receiver (deployment and deployment_status events)",
  description: "Called by GitHub, not by scripts. No session or API key: `X-Hub-Signature-256` (HMAC-SHA256 of the " +
    "body under the organisation's webhook secret, `POST /api/v1/github-webhook/secret`) authenticates it.",
  request: {
    query: z.object({
      tenant: z.string().optional().openapi({
        description: "The organisation's slug; without it the repository URL finds the organisation",
        example: "acme",
      }),
    }),
    headers: z.object({
      "x-github-event": z.string().openapi({ example: "deployment_status" }),
      "x-hub-signature-256": z.string().openapi({ example: "sha256=3f1d…" }),
    }),
    body: {
      required: true,
      content: {
        "application/json": { schema: z.record(z.string(), z.unknown()).openapi({ example: { zen: "Hi" } }) },
      },
    },
  },
  responses: {
    200: {
      description: "Applied, unchanged, or a ping",
      content: { "application/json": { schema: HookResultSchema } },
    },
    202: { description: "Accepted but not used", content: { "application/json": { schema: HookResultSchema } } },
    400: problem("The body is not valid JSON"),
    401: problem("The signature is missing or does not match the organisation's secret"),
  },
});

export function githubHooks() {
  const app = new OpenAPIHono<AppEnv>();
  app.openAPIRegistry.registerPath(documentation);
  // Derived once per app: HKDF per delivery would be wasted work.
  let keyring: Promise<Keyring> | undefined;
  app.post("/hooks/github", async (c) => {
    const { sql, secret, config } = c.get("deps");
    keyring ??= webhookKeyring({ current: secret, previous: config.previousSecrets });
    const result = await receiveGithubHook(sql, await keyring, {
      event: c.req.header("X-GitHub-Event"),
      signature: c.req.header("X-Hub-Signature-256"),
      body: new Uint8Array(await c.req.arrayBuffer()),
      tenantSlug: c.req.query("tenant"),
    }, { ...auditContext(c), actor: null, actorLabel: `GitHub (${c.req.header("X-GitHub-Delivery") ?? "webhook"})` });
    return c.json(result.body, result.status);
  });
  return app;
}
