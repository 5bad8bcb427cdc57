/** What the channel tests share: an app whose config points at local stand-ins. */
import type { Sql } from "../../db/client.ts";
import { withTenant } from "../../db/tenant.ts";
import { loadConfig } from "../../services/platform/config.ts";
import type { SendDeps } from "../../services/notifications/channels/kind.ts";
import { createTestApp } from "../helpers/app.ts";
import { TEST_SECRET } from "../helpers/fixtures.ts";

export const SIGNING_SECRET = "slack-signing-secret-for-tests";

export function testConfig(env: Record<string, string> = {}) {
  return loadConfig({
    OPSDECK_SECRET: TEST_SECRET,
    OPSDECK_WEBHOOK_ALLOW: "127.0.0.0/8",
    OPSDECK_BASE_URL: "https://ops.example.com",
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    ...env,
  });
}

export async function channelTestApp(env: Record<string, string> = {}, now = () => new Date()) {
  return await createTestApp({ config: testConfig(env), now });
}

export function sendDeps(sql: Sql, config: SendDeps["config"], tenantId: string, now = new Date()): SendDeps {
  return { sql, config, secret: TEST_SECRET, now: () => now, tenantId };
}

/** An open alert (its rule included) to hang Slack messages and interactions on. */
export async function genAlert(sql: Sql, tenantId: string, summary = "API is down") {
  return await withTenant(sql, tenantId, async (tx) => {
    const [rule] = await tx<{ id: string }[]>`
      INSERT INTO alert_rules (tenant_id, name, kind) VALUES (${tenantId}, 'Deploys fail', 'deployment_failed')
      RETURNING id`;
    const [alert] = await tx<{ id: string }[]>`
      INSERT INTO alerts (tenant_id, rule_id, subject_key, severity, summary)
      VALUES (${tenantId}, ${rule.id}, ${"x:" + crypto.randomUUID()}, 'critical', ${summary})
      RETURNING id`;
    return alert.id;
  });
}

export const json = (method: string, body: unknown, headers: Record<string, string>): RequestInit => ({
  method,
  headers: { ...headers, "Content-Type": "application/json" },
  body: JSON.stringify(body),
});
