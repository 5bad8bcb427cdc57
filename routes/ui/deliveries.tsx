/** /notifications/deliveries: the delivery log page, and re-sending a delivery (htmx row or full page). */
import { type Context, Hono } from "hono";
import { can, type Principal } from "../../services/auth/permissions.ts";
import { ListDeliveriesQuerySchema } from "../../services/notifications/delivery_schemas.ts";
import {
  brokenChannels,
  getDelivery,
  listDeliveries,
  resendDelivery,
} from "../../services/notifications/deliveries.ts";
import { DeliveryLogRow } from "../../views/notifications/_delivery_log.tsx";
import { DeliveriesPage, type DeliveriesPageProps } from "../../views/notifications/deliveries_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formBody, idParam, isShownInPlace, text } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

async function renderPage(
  c: Context<AppEnv>,
  principal: Principal,
  extra: Partial<DeliveriesPageProps> = {},
  status = 200,
) {
  const { sql } = c.get("deps");
  const parsed = ListDeliveriesQuerySchema.safeParse(c.req.query());
  const q = parsed.success ? parsed.data : { limit: 50 };
  const [page, broken] = await Promise.all([
    listDeliveries(sql, principal, {
      channelId: q.channel_id,
      status: q.status,
      alertId: q.alert_id,
      eventType: q.event_type,
      limit: q.limit,
      cursor: q.cursor,
    }),
    brokenChannels(sql, principal),
  ]);
  return html(
    c,
    <DeliveriesPage
      deliveries={page.data}
      nextCursor={page.next_cursor}
      status={q.status}
      channelId={q.channel_id}
      canResend={can(principal, "notification_channels", "write")}
      broken={broken}
      {...extra}
    />,
    status,
  );
}

export function deliveryPages() {
  const app = new Hono<AppEnv>();
  app.get("/notifications/deliveries", (c) => renderPage(c, requireUserPage(c)));

  app.post("/notifications/deliveries/:id/resend", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c);
    const { sql } = c.get("deps");
    // The row answers in the shape of the table it sits in (a channel's own log has no channel column).
    const showChannel = text((await formBody(c)).columns) !== "no-channel";
    try {
      const delivery = await resendDelivery(sql, principal, id, auditContext(c));
      if (!isPartial(c)) return c.redirect("/notifications/deliveries?status=pending", 303);
      return html(c, <DeliveryLogRow delivery={delivery} canResend showChannel={showChannel} />, 200, {
        fragment: true,
      });
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      if (!isPartial(c)) return renderPage(c, principal, { error: error.message }, error.status);
      // htmx swaps only 2xx answers: the row comes back with the refusal in place.
      const delivery = await getDelivery(sql, principal, id);
      const canResend = can(principal, "notification_channels", "write");
      const row = (
        <DeliveryLogRow delivery={delivery} canResend={canResend} showChannel={showChannel} error={error.message} />
      );
      return html(c, row, 200, { fragment: true });
    }
  });
  return app;
}
