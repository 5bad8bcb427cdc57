/**
 * Inbound GitHub webhooks (POST /hooks/github). No session or API key: the
 * HMAC signature under the tenant's secret is the authentication, checked by
 * services/github/webhook.ts before anything is stored.
 */
import { Hono } from "hono";
import { receiveGithubHook } from "../../services/github/webhook.ts";
import { webhookKeyring } from "../../services/github/secret.ts";
import type { Keyring } from "../../services/platform/secrets/crypto.ts";
import type { AppEnv } from "../deps.ts";
import { auditContext } from "../middleware/auth.ts";

export function githubHooks() {
  const app = new Hono<AppEnv>();
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
