/**
 * "Send test" (product code: the channel's test message, not a test file): a `channel.test` delivery through the real outbox (its own
 * event id, audited), sent at once by the dispatcher's deliverNow with the
 * real sender, so the attempt lands in the channel's delivery log and its
 * health like any other message. A channel marked broken is not sent to:
 * saving it clears the flag.
 */
import type { Sql } from "../../db/client.ts";
import { getChannel } from "../../db/queries/notification_channels.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { authorize, type Principal } from "../auth/permissions.ts";
import type { Config } from "../platform/config.ts";
import { NotFoundError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import { deliverNow } from "./dispatcher.ts";
import { enqueueDelivery } from "./outbox.ts";
import { sendDelivery } from "./send.ts";

export interface ChannelTestDeps {
  sql: Sql;
  config: Config;
  logger: Logger;
  now: () => Date;
  secret: string;
  /** Names the process in the delivery's lease. */
  instanceId: string;
}

export interface ChannelTestResult {
  delivery_id: string;
  ok: boolean;
  response_code: number | null;
  error: string | null;
  latency_ms: number;
}

export async function testChannel(
  deps: ChannelTestDeps,
  principal: Principal,
  channelId: string,
  ctx: AuditContext,
): Promise<ChannelTestResult> {
  authorize(principal, "notification_channels", "write");
  const tenantId = principal.tenantId;
  const deliveryId = await withTenant(deps.sql, tenantId, async (tx) => {
    const channel = await getChannel(tx, tenantId, channelId);
    if (!channel) throw new NotFoundError("No such notification channel");
    const id = await enqueueDelivery(tx, {
      tenantId,
      channelId,
      eventId: crypto.randomUUID(),
      eventType: "channel.test",
      payload: {
        channel: { id: channel.id, name: channel.name, type: channel.type },
        actor: { user_id: principal.userId, label: principal.name ?? principal.email },
      },
      now: ctx.now,
    });
    await recordAudit(tx, ctx, {
      tenantId,
      action: "notification_channel.test",
      resourceType: "notification_channel",
      resourceId: channelId,
      details: { delivery_id: id },
    });
    return id;
  });
  const result = await deliverNow({ ...deps, send: sendDelivery }, tenantId, deliveryId);
  return {
    delivery_id: deliveryId,
    ok: result.ok,
    response_code: result.responseCode,
    error: result.error,
    latency_ms: Math.round(result.latencyMs),
  };
}
