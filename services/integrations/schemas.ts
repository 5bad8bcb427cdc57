/** The integrations API's shapes (zod, with their OpenAPI names); the types come from here. */
import { z } from "@hono/zod-openapi";

const when = z.string().nullable().openapi({ format: "date-time" });

export const IntegrationSchema = z.object({
  id: z.uuid(),
  platform: z.string().openapi({ example: "linear" }),
  account_id: z.string().openapi({
    description: "The provider's id of what was connected (a Linear organisation, a Slack workspace's team id)",
  }),
  account_name: z.string().nullable().openapi({ example: "Acme Agency" }),
  status: z.enum(["connected", "broken", "disconnected"]),
  is_active: z.boolean(),
  scopes: z.array(z.string()),
  token_expires_at: when,
  last_sync_at: when,
  last_error: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).openapi({
    description: "Provider facts and settings (Linear: teams, team_id, close_on_resolve; Slack: team, enterprise, " +
      "is_enterprise_install, bot_user_id, app_id, installed_by, url)",
  }),
  connected_by: z.uuid().nullable(),
  created_at: z.string().openapi({ format: "date-time" }),
}).openapi("Integration");

export const IntegrationListSchema = z.object({
  integrations: z.array(IntegrationSchema),
  providers: z.array(z.object({
    platform: z.string(),
    label: z.string(),
    configured: z.boolean().openapi({ description: "Whether this deployment has the provider's OAuth app set up" }),
  })),
}).openapi("IntegrationList");

export const IntegrationPatchSchema = z.strictObject({
  team_id: z.string().min(1).max(200).optional().openapi({ description: "Linear: the team alert issues go to" }),
  close_on_resolve: z.boolean().optional().openapi({
    description: "Linear: resolving the alert moves its issue to the team's completed state",
  }),
}).openapi("IntegrationPatch");

export const PlatformParam = z.object({
  // Any name: an unknown provider is a 404 like any unknown id.
  platform: z.string().min(1).max(100)
    .openapi({ param: { name: "platform", in: "path" }, example: "linear" }),
});

export const ConnectAnswerSchema = z.object({
  authorize_url: z.string().openapi({
    description: "Send the admin's browser here; the provider returns to /integrations/{platform}/callback",
  }),
  expires_at: z.string().openapi({ format: "date-time" }),
}).openapi("IntegrationConnect");

export const AutoRuleSchema = z.strictObject({
  enabled: z.boolean({ error: "must be true or false" }).openapi({
    description: "Alerts of this rule file an issue by themselves",
  }),
}).openapi("IntegrationAlertRule");

export const AlertRuleFilingSchema = z.object({
  rules: z.array(z.object({
    id: z.uuid(),
    name: z.string().openapi({ example: "Anything down" }),
    kind: z.string().openapi({ example: "check_down" }),
    severity: z.string().openapi({ example: "critical" }),
    project_name: z.string().nullable().openapi({ description: "null: a tenant-wide rule" }),
    enabled: z.boolean().openapi({ description: "Whether the rule itself is on" }),
    files_issues: z.boolean().openapi({ description: "Its alerts file an issue through this integration" }),
  })),
  more: z.boolean().openapi({ description: "More rules exist than the 500 listed (by name)" }),
}).openapi("IntegrationAlertRules");

export const AlertIssueCreateSchema = z.strictObject({
  integration_id: z.uuid("must be the id of a connected Linear integration"),
}).openapi("AlertIssueCreate");

export const AlertIssueSchema = z.object({
  id: z.uuid(),
  integration_id: z.uuid(),
  platform: z.string(),
  external_id: z.string(),
  external_key: z.string().nullable().openapi({ example: "OPS-42" }),
  external_url: z.string(),
  state: z.string().nullable().openapi({ example: "started" }),
  created_at: z.string().openapi({ format: "date-time" }),
}).openapi("AlertIssue");

type Dated = { created_at: Date; token_expires_at?: Date | null; last_sync_at?: Date | null };
const iso = (d: Date | null | undefined) => d ? d.toISOString() : null;

export function integrationJson<T extends Dated>(r: T) {
  return {
    ...r,
    created_at: r.created_at.toISOString(),
    token_expires_at: iso(r.token_expires_at),
    last_sync_at: iso(r.last_sync_at),
  };
}

export function issueJson(l: {
  id: string;
  integration_id: string;
  platform: string;
  external_id: string;
  external_key: string | null;
  external_url: string;
  state: string | null;
  created_at: Date;
}) {
  const { id, integration_id, platform, external_id, external_key, external_url, state } = l;
  return {
    id,
    integration_id,
    platform,
    external_id,
    external_key,
    external_url,
    state,
    created_at: l.created_at.toISOString(),
  };
}
