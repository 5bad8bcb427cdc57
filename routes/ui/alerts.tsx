/**
 * The alerts inbox and an alert's page. Acknowledge, snooze and resolve
 * answer an htmx request with the row; without JavaScript they redirect (303)
 * back to the inbox or the alert's page.
 */
import { type Context, Hono } from "hono";
import { viewerTimeZone } from "../../services/alerts/lookups.ts";
import { getAlert, getAlertWithHistory, listAlerts, pollAlerts } from "../../services/alerts/alerts.ts";
import {
  acknowledgeAlert,
  resolveAlert,
  SNOOZE_PRESETS,
  snoozeAlert,
  type SnoozePreset,
  snoozePresetUntil,
} from "../../services/alerts/lifecycle.ts";
import { AcknowledgeSchema, ListAlertsQuerySchema } from "../../services/alerts/schemas.ts";
import { bulkAlerts, BulkAlertsSchema } from "../../services/alerts/bulk.ts";
import { can, type Principal } from "../../services/auth/permissions.ts";
import { ValidationError } from "../../services/platform/errors.ts";
import { listDeliveries } from "../../services/notifications/deliveries.ts";
import { AlertTableRow } from "../../views/alerts/_alert_row.tsx";
import { AlertPage } from "../../views/alerts/alert_page.tsx";
import { alertIssuePanel } from "../../services/integrations/linear/issues.ts";
import { projectChoicesFor } from "../../services/projects/choices.ts";
import { AlertsPage, alertsTitle, NewAlertsPoll } from "../../views/alerts/alerts_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formBody, formFields, idParam, isShownInPlace, parseForm, text, texts } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

const NOT_FOUND = "Alert not found";

async function renderInbox(c: Context<AppEnv>, principal: Principal) {
  const { sql, now } = c.get("deps");
  // A bad filter from a hand-edited URL shows the open alerts rather than an error page.
  const raw = c.req.query();
  const wantsAll = raw.status === "all";
  const parsed = ListAlertsQuerySchema.safeParse({
    ...raw,
    status: wantsAll ? undefined : raw.status || "open",
    severity: raw.severity || undefined,
    project_id: raw.project_id || undefined,
  });
  const query = parsed.success ? parsed.data : { limit: 50, status: "open" as const };
  const bulk = raw.bulk
    ? { action: raw.bulk, done: Number(raw.done) || 0, refused: Number(raw.refused) || 0 }
    : undefined;
  const [page, projects] = await Promise.all([listAlerts(sql, principal, query), projectChoicesFor(sql, principal)]);
  // "All": open alerts first within the page, then the resolved ones (each newest first).
  const alerts = [
    ...page.data.filter((a) => a.status !== "resolved"),
    ...page.data.filter((a) => a.status === "resolved"),
  ];
  return html(
    c,
    <AlertsPage
      alerts={alerts}
      nextCursor={page.next_cursor}
      status={wantsAll ? "all" : query.status ?? "open"}
      severity={parsed.success ? parsed.data.severity : undefined}
      projectId={parsed.success ? parsed.data.project_id : undefined}
      projects={projects}
      canAct={can(principal, "alerts", "write")}
      canSeeRules={can(principal, "alert_rules", "read")}
      now={now()}
      bulk={bulk}
    />,
  );
}

/** The inbox's filters from the bulk form, so the redirect lands on the same filtered inbox. */
function inboxFilters(returnQuery: string | undefined): URLSearchParams {
  const given = new URLSearchParams(returnQuery ?? "");
  const kept = new URLSearchParams();
  for (const key of ["status", "severity", "project_id"]) {
    const value = given.get(key);
    if (value) kept.set(key, value);
  }
  return kept;
}

/** Rows answered to the inbox keep their checkbox; the project hub's Alerts tab has no bulk form. */
const inInbox = (c: Context<AppEnv>) => {
  const current = c.req.header("HX-Current-URL");
  return current !== undefined && URL.canParse(current) && new URL(current).pathname === "/alerts";
};

async function renderAlertPage(
  c: Context<AppEnv>,
  principal: Principal,
  id: string,
  notice?: { kind: "ok" | "error"; text: string },
  status = 200,
) {
  const { sql } = c.get("deps");
  const { alert, history } = await getAlertWithHistory(sql, principal, id);
  const deliveries = can(principal, "notification_channels", "read")
    ? (await listDeliveries(sql, principal, { alertId: id, limit: 50 })).data
    : null;
  const issues = await alertIssuePanel(sql, principal, id);
  return html(
    c,
    <AlertPage
      alert={alert}
      history={history}
      deliveries={deliveries}
      issues={issues}
      canAct={can(principal, "alerts", "write")}
      canResend={can(principal, "notification_channels", "write")}
      notice={notice}
    />,
    status,
  );
}

type Verb = "acknowledge" | "snooze" | "resolve";

/** Runs one action from the posted form (the comment, and the snooze choice). */
async function perform(c: Context<AppEnv>, principal: Principal, id: string, verb: Verb, body: Record<string, string>) {
  const { sql } = c.get("deps");
  const ctx = auditContext(c);
  const { comment } = parseForm(AcknowledgeSchema, { comment: body.comment || undefined });
  if (verb === "acknowledge") return await acknowledgeAlert(sql, principal, id, { comment }, ctx);
  if (verb === "resolve") return await resolveAlert(sql, principal, id, { comment }, ctx);
  const preset = body.snooze as SnoozePreset;
  if (!SNOOZE_PRESETS.includes(preset)) {
    throw new ValidationError([{ path: "snooze", message: "choose 1 h, 4 h or until tomorrow 09:00" }]);
  }
  const timeZone = await viewerTimeZone(sql, principal);
  const until = snoozePresetUntil(preset, ctx.now, timeZone);
  return await snoozeAlert(sql, principal, id, { until, comment }, ctx);
}

export function alertPages() {
  const app = new Hono<AppEnv>();

  app.get("/alerts", (c) => renderInbox(c, requireUserPage(c)));

  app.get("/alerts/poll", async (c) => {
    const principal = requireUserPage(c);
    const since = new Date(c.req.query("since") ?? "");
    const from = Number.isNaN(since.getTime()) ? c.get("deps").now() : since;
    const { alerts, open } = await pollAlerts(c.get("deps").sql, principal, from);
    const canAct = can(principal, "alerts", "write");
    // A <title> at the top of a fragment is what htmx puts in the tab.
    const poll = (
      <NewAlertsPoll since={from} fresh={alerts} open={open} canAct={canAct} now={c.get("deps").now()} selectable />
    );
    return html(
      c,
      <>
        <title>{alertsTitle(open)}</title>
        {poll}
      </>,
      200,
      { fragment: true },
    );
  });

  app.post("/alerts/bulk", async (c) => {
    const principal = requireUserPage(c);
    const body = await formBody(c);
    const back = inboxFilters(text(body.return_query));
    if (texts(body.ids).length === 0) {
      back.set("bulk", "none");
      return c.redirect(`/alerts?${back}`, 303);
    }
    const input = parseForm(BulkAlertsSchema, {
      action: body.action,
      ids: texts(body.ids),
      comment: text(body.comment) || undefined,
    });
    const { results } = await bulkAlerts(c.get("deps").sql, principal, input, auditContext(c));
    const done = results.filter((r) => r.ok).length;
    back.set("bulk", input.action);
    back.set("done", String(done));
    back.set("refused", String(results.length - done));
    return c.redirect(`/alerts?${back}`, 303);
  });

  app.get("/alerts/:id", (c) => renderAlertPage(c, requireUserPage(c), idParam(c, NOT_FOUND)));

  const action = (verb: Verb) => async (c: Context<AppEnv>) => {
    const principal = requireUserPage(c);
    const id = idParam(c, NOT_FOUND);
    const body = await formFields(c);
    const back = body.return_to === `/alerts/${id}` ? body.return_to : "/alerts";
    const now = c.get("deps").now();
    try {
      const alert = await perform(c, principal, id, verb, body);
      if (!isPartial(c)) return c.redirect(back, 303);
      const row = (
        <AlertTableRow alert={alert} canAct={can(principal, "alerts", "write")} now={now} selectable={inInbox(c)} />
      );
      return html(c, row, 200, { fragment: true });
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      const message = error.errors?.map((e) => `${e.path}: ${e.message}`).join("; ") ?? error.message;
      if (!isPartial(c)) return renderAlertPage(c, principal, id, { kind: "error", text: message }, error.status);
      // htmx swaps only 2xx answers: the refusal comes back in the row.
      const alert = await getAlert(c.get("deps").sql, principal, id);
      const row = (
        <AlertTableRow
          alert={alert}
          canAct={can(principal, "alerts", "write")}
          now={now}
          error={message}
          selectable={inInbox(c)}
        />
      );
      return html(c, row, 200, { fragment: true });
    }
  };
  app.post("/alerts/:id/acknowledge", action("acknowledge"));
  app.post("/alerts/:id/snooze", action("snooze"));
  app.post("/alerts/:id/resolve", action("resolve"));

  return app;
}
