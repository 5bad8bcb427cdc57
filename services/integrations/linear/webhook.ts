/**
 * POST /hooks/linear: the OAuth app's webhook, verified as Linear signs it
 * (npm `@linear/sdk`'s LinearWebhookClient: HMAC-SHA256 of the raw body in
 * `Linear-Signature`, and `webhookTimestamp` in the signed body within a
 * minute). An Issue update whose state is completed or canceled resolves the
 * alert it was filed for, in every tenant connected to that organisation; the
 * link records the state, so the worker never moves it back. An issue
 * reopened (back to triage, backlog, unstarted or started) whose alert is
 * resolved is re-linked to the same rule and subject's open alert, if there is
 * one; otherwise the link keeps the reopened state and the next such alert
 * takes the issue over when it files one (issues.ts). Resolved alerts stay
 * resolved: docs/integrations.md says why.
 */
import { Buffer } from "node:buffer";
import { LinearWebhookClient, type LinearWebhookPayload } from "@linear/sdk/webhooks";
import type { Sql } from "../../../db/client.ts";
import * as links from "../../../db/queries/integration_links.ts";
import { findByAccount } from "../../../db/queries/integrations.ts";
import { withTenant } from "../../../db/tenant.ts";
import { resolveBySystem } from "../../alerts/transitions.ts";
import type { AuditContext } from "../../audits/record.ts";
import { UnauthorizedError } from "../../platform/errors.ts";
import type { ProviderSettings } from "../provider.ts";
import { recordRelink } from "./issues.ts";

const CLOSED = new Set(["completed", "canceled"]);

export async function handleLinearWebhook(
  sql: Sql,
  settings: ProviderSettings | undefined,
  raw: Uint8Array,
  signature: string | null,
  now: Date,
): Promise<{ resolved: number; relinked: number }> {
  if (!settings?.webhookSecret || !signature) throw new UnauthorizedError("Unsigned or not configured");
  let payload: LinearWebhookPayload;
  try {
    payload = new LinearWebhookClient(settings.webhookSecret).parseData(Buffer.from(raw), signature);
  } catch {
    throw new UnauthorizedError("The Linear signature does not match, or the webhook is stale");
  }
  if (payload.type !== "Issue" || !("data" in payload)) return { resolved: 0, relinked: 0 };
  const event = payload as Extract<LinearWebhookPayload, { type: "Issue"; data: unknown }>;
  const issue = event.data as { id?: string; identifier?: string | null; state?: { type?: string; name?: string } };
  const state = issue.state?.type;
  if (!event.organizationId || !issue.id || !state) return { resolved: 0, relinked: 0 };
  let resolved = 0;
  let relinked = 0;
  for (const integration of await findByAccount(sql, "linear", event.organizationId)) {
    const link = await links.linkByExternalId(sql, integration.id, issue.id);
    if (!link) continue;
    const tenantId = integration.tenant_id;
    const ctx: AuditContext = { actor: null, actorLabel: "linear", ip: null, userAgent: null, now };
    await withTenant(sql, tenantId, async (tx) => {
      await links.setLinkState(tx, tenantId, link.id, { state, wanted: null });
      if (CLOSED.has(state)) {
        const why = `Linear issue ${issue.identifier ?? link.external_key} is ${issue.state?.name ?? state}`;
        await resolveBySystem(tx, ctx, tenantId, [link.resource_id], why);
        resolved++;
      } else {
        const moved = await links.relinkOpenIssue(tx, tenantId, integration.id, { linkId: link.id });
        if (moved) {
          await recordRelink(tx, ctx, tenantId, integration.id, moved);
          relinked++;
        }
      }
    });
  }
  return { resolved, relinked };
}
