/**
 * The Slack message posted for an alert on a channel (so acknowledge/resolve
 * edit it), and the lookups /slack/interactions needs before it knows the
 * tenant: those run on the owner role, by the message Slack names.
 */
import type { Sql } from "../client.ts";

export interface SlackMessageRow {
  tenant_id: string;
  alert_id: string;
  channel_id: string;
  slack_channel: string;
  ts: string;
}

export async function findSlackMessage(
  sql: Sql,
  tenantId: string,
  alertId: string,
  channelId: string,
): Promise<SlackMessageRow | undefined> {
  const [row] = await sql<SlackMessageRow[]>`
    SELECT tenant_id, alert_id, channel_id, slack_channel, ts FROM slack_messages
    WHERE tenant_id = ${tenantId} AND alert_id = ${alertId} AND channel_id = ${channelId}`;
  return row;
}

/** Keeps the first message of an alert on a channel; a re-post (message deleted in Slack) replaces it. */
export async function saveSlackMessage(sql: Sql, m: SlackMessageRow, now: Date): Promise<void> {
  await sql`
    INSERT INTO slack_messages (tenant_id, alert_id, channel_id, slack_channel, ts, created_at, updated_at)
    VALUES (${m.tenant_id}, ${m.alert_id}, ${m.channel_id}, ${m.slack_channel}, ${m.ts}, ${now}, ${now})
    ON CONFLICT (tenant_id, alert_id, channel_id)
    DO UPDATE SET slack_channel = EXCLUDED.slack_channel, ts = EXCLUDED.ts, updated_at = EXCLUDED.updated_at`;
}

/**
 * Cross-tenant on purpose (owner role, RLS bypassed): an interaction names a
 * Slack message, and only a message Opsdeck posted identifies the tenant.
 */
export async function findSlackMessageByTs(
  sql: Sql,
  slackChannel: string,
  ts: string,
): Promise<SlackMessageRow | undefined> {
  const [row] = await sql<SlackMessageRow[]>`
    SELECT tenant_id, alert_id, channel_id, slack_channel, ts FROM slack_messages
    WHERE slack_channel = ${slackChannel} AND ts = ${ts}`;
  return row;
}
