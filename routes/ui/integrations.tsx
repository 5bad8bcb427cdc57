/**
 * Integrations in the browser: /integrations (Settings menu) with each
 * connection's status, last sync and last error; Connect sends the browser to
 * the provider, which returns it to /integrations/{platform}/callback; the
 * alert page's "Create Linear issue" posts to /alerts/{id}/issues. Refusals
 * come back as the page with plain words and their status (400 for a bad
 * callback).
 */
import { type Context, Hono } from "hono";
import { can, type Principal } from "../../services/auth/permissions.ts";
import { listAlertRuleFiling, setAlertRuleAuto } from "../../services/integrations/alert_rules.ts";
import { disconnect, finishConnect, startConnect } from "../../services/integrations/connect.ts";
import { listIntegrations, updateIntegration } from "../../services/integrations/integrations.ts";
import { createAlertIssue } from "../../services/integrations/linear/issues.ts";
import { AlertIssueCreateSchema, AutoRuleSchema, IntegrationPatchSchema } from "../../services/integrations/schemas.ts";
import { AlertRuleRow, AlertRulesPage } from "../../views/integrations/alert_rules_page.tsx";
import { IntegrationsPage } from "../../views/integrations/integrations_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formFields, idParam, isShownInPlace, parseForm } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { selfOrigin } from "../middleware/csrf.ts";
import { cspWithFormTargets } from "../middleware/security_headers.ts";
import { html, requireUserPage } from "../render.ts";
import { integrationRequestDeps } from "./integrations_deps.ts";

type Notice = { kind: "ok" | "error"; text: string };
const NOT_FOUND = "Integration not found";

async function renderPage(c: Context<AppEnv>, principal: Principal, notice?: Notice, status = 200) {
  const { sql, config } = c.get("deps");
  const out = await listIntegrations(sql, principal, config.integrations);
  const res = await html(
    c,
    <IntegrationsPage {...out} canManage={can(principal, "settings", "manage")} notice={notice} />,
    status,
  );
  const targets = Object.values(config.integrations).map((s) => new URL(s.authorizeUrl).origin);
  res.headers.set("Content-Security-Policy", cspWithFormTargets(targets));
  return res;
}

const platformOf = (c: Context<AppEnv>) => c.req.param("platform") ?? "";

export function integrationPages() {
  const app = new Hono<AppEnv>();

  app.get("/integrations", (c) => {
    const connected = c.req.query("connected");
    return renderPage(c, requireUserPage(c), connected ? { kind: "ok", text: `Connected ${connected}.` } : undefined);
  });

  app.post("/integrations/:platform/connect", async (c) => {
    const principal = requireUserPage(c);
    try {
      const { authorize_url } = await startConnect(c.get("deps").sql, principal, platformOf(c), {
        ...integrationRequestDeps(c),
        origin: selfOrigin(c),
        now: c.get("deps").now(),
      });
      return c.redirect(authorize_url, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderPage(c, principal, { kind: "error", text: error.message }, error.status);
    }
  });

  app.get("/integrations/:platform/callback", async (c) => {
    const principal = requireUserPage(c);
    try {
      const out = await finishConnect(
        c.get("deps").sql,
        principal,
        platformOf(c),
        { state: c.req.query("state"), code: c.req.query("code"), error: c.req.query("error") },
        { ...integrationRequestDeps(c), origin: selfOrigin(c), now: c.get("deps").now() },
        auditContext(c),
      );
      return c.redirect(`/integrations?connected=${encodeURIComponent(out.account_name)}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderPage(c, principal, { kind: "error", text: error.message }, error.status);
    }
  });

  app.post("/integrations/:id", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, NOT_FOUND);
    const body = await formFields(c);
    try {
      const patch = parseForm(IntegrationPatchSchema, {
        team_id: body.team_id || undefined,
        close_on_resolve: body.close_on_resolve === "true",
      });
      await updateIntegration(c.get("deps").sql, principal, id, patch, auditContext(c));
      return renderPage(c, principal, { kind: "ok", text: "Saved." });
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderPage(c, principal, { kind: "error", text: error.message }, error.status);
    }
  });

  app.post("/integrations/:id/disconnect", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, NOT_FOUND);
    const { revoked } = await disconnect(c.get("deps").sql, principal, id, integrationRequestDeps(c), auditContext(c));
    const text = revoked ? "Disconnected; the provider revoked the tokens." : "Disconnected; the tokens are forgotten.";
    return renderPage(c, principal, { kind: "ok", text });
  });

  app.get("/integrations/:id/alert-rules", async (c) => {
    const out = await listAlertRuleFiling(c.get("deps").sql, requireUserPage(c), idParam(c, NOT_FOUND));
    return html(c, <AlertRulesPage {...out} />);
  });

  // "Turn on/off" for one rule: the row again for htmx, the page otherwise; a bad value is a 422 in plain words.
  app.post("/integrations/:id/alert-rules/:rule_id", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, NOT_FOUND);
    const ruleId = idParam(c, "Alert rule not found", "rule_id");
    const raw = (await formFields(c)).enabled;
    const sql = c.get("deps").sql;
    const render = async (notice?: Notice, status = 200) => {
      const out = await listAlertRuleFiling(sql, principal, id);
      const rule = out.rules.find((r) => r.id === ruleId);
      if (c.req.header("HX-Request") === "true" && rule && !notice) {
        return html(c, <AlertRuleRow integrationId={id} rule={rule} canManage={out.canManage} />, status);
      }
      return html(c, <AlertRulesPage {...out} notice={notice} />, status);
    };
    try {
      const input = parseForm(AutoRuleSchema, { enabled: raw === "true" ? true : raw === "false" ? false : raw });
      await setAlertRuleAuto(sql, principal, id, ruleId, input.enabled, auditContext(c));
      return await render();
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      const why = error.errors?.map((e) => `${e.path} ${e.message}`).join("; ") ?? error.message;
      return await render({ kind: "error", text: `Nothing was changed: ${why}.` }, error.status);
    }
  });

  app.post("/alerts/:id/issues", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "Alert not found");
    const body = await formFields(c);
    // A refusal (broken integration, Linear down) is the error page in plain words, with its status.
    const input = parseForm(AlertIssueCreateSchema, { integration_id: body.integration_id ?? "" });
    const deps = integrationRequestDeps(c);
    await createAlertIssue(c.get("deps").sql, principal, id, input.integration_id, deps, auditContext(c));
    return c.redirect(`/alerts/${id}#alert-issues`, 303);
  });

  return app;
}
