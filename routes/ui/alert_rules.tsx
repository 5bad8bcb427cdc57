/**
 * The alert rules pages: the list with the form to add one, and a rule's page
 * to edit or delete it. Full-page posts, 303 on success, the form again with
 * inline errors (422) otherwise; the same zod schemas as the API.
 */
import { type Context, Hono } from "hono";
import { RULE_FIELDS, type RuleKind } from "../../db/queries/alert_rules.ts";
import { alertRuleFormOptions, queryRuleHistory } from "../../services/alerts/lookups.ts";
import {
  CHECK_KINDS,
  createAlertRule,
  deleteAlertRule,
  getAlertRule,
  listAlertRules,
  updateAlertRule,
} from "../../services/alerts/rules.ts";
import { CreateAlertRuleSchema, UpdateAlertRuleSchema } from "../../services/alerts/schemas.ts";
import { authorize, can, type Principal } from "../../services/auth/permissions.ts";
import type { RuleValues } from "../../views/alerts/_rule_form.tsx";
import { AlertRulePage, AlertRulesPage } from "../../views/alerts/alert_rules_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formErrors, formFields, idParam, isShownInPlace, parseForm } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, requireUserPage } from "../render.ts";

const NOT_FOUND = "Alert rule not found";
const NUMERIC = new Set([
  "threshold",
  "window_seconds",
  "days_before",
  "repeat_interval_minutes",
  "escalate_after_minutes",
  "interval_seconds",
]);
/** Fields only some kinds use: the form hides the others with CSS, but a browser still posts them. */
const ONLY_FOR: Partial<Record<string, readonly RuleKind[]>> = {
  check_id: CHECK_KINDS,
  days_before: ["certificate_expiring"],
  environment: ["deployment_failed"],
  metric_type: ["metric_threshold"],
  operator: ["metric_threshold", "query_threshold"],
  threshold: ["metric_threshold", "query_threshold"],
  window_seconds: ["metric_threshold"],
  query_id: ["query_threshold"],
  query_measure: ["query_threshold"],
  query_parameters: ["query_threshold"],
  interval_seconds: ["query_threshold"],
};

/** The parameters field is a JSON object; anything else goes to the schema as text and is refused there, by name. */
function jsonObject(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The posted form as the API's JSON: numbers as numbers, empty as absent (create) or null (edit). */
function ruleInput(body: Record<string, string>, kind: RuleKind, editing: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { enabled: body.enabled === "true" };
  for (const field of RULE_FIELDS) {
    if (field === "enabled" || (field === "kind" && editing)) continue;
    const raw = (body[field] ?? "").trim();
    const applies = ONLY_FOR[field]?.includes(kind) ?? true;
    if (raw === "" || !applies) {
      if (field === "name") out.name = raw;
      else if (editing && field !== "severity") out[field] = null;
      continue;
    }
    out[field] = field === "query_parameters"
      ? jsonObject(raw)
      : NUMERIC.has(field) && Number.isFinite(Number(raw))
      ? Number(raw)
      : raw;
  }
  return out;
}

async function options(c: Context<AppEnv>, principal: Principal) {
  return await alertRuleFormOptions(c.get("deps").sql, principal);
}

async function renderList(
  c: Context<AppEnv>,
  principal: Principal,
  form: { values?: RuleValues; errors?: Record<string, string>; error?: string } = {},
  status = 200,
) {
  const cursor = c.req.query("cursor");
  const page = await listAlertRules(c.get("deps").sql, principal, { limit: 50, cursor });
  return html(
    c,
    <AlertRulesPage
      rules={page.data}
      nextCursor={page.next_cursor}
      canWrite={can(principal, "alert_rules", "write")}
      form={{ options: await options(c, principal), ...form }}
    />,
    status,
  );
}

async function renderRule(
  c: Context<AppEnv>,
  principal: Principal,
  id: string,
  form: { values?: RuleValues; errors?: Record<string, string>; error?: string } = {},
  status = 200,
) {
  const rule = await getAlertRule(c.get("deps").sql, principal, id);
  return html(
    c,
    <AlertRulePage
      rule={rule}
      history={await queryRuleHistory(c.get("deps").sql, principal, rule)}
      canWrite={can(principal, "alert_rules", "write")}
      canDelete={can(principal, "alert_rules", "delete")}
      form={{ options: await options(c, principal), ...form }}
    />,
    status,
  );
}

const asValues = (body: Record<string, string>): RuleValues =>
  Object.fromEntries(RULE_FIELDS.map((f) => [f, body[f] ?? (f === "enabled" ? "false" : "")]));

export function alertRulePages() {
  const app = new Hono<AppEnv>();

  app.get("/alert-rules", (c) => renderList(c, requireUserPage(c)));

  app.post("/alert-rules", async (c) => {
    const principal = requireUserPage(c);
    const body = await formFields(c);
    try {
      authorize(principal, "alert_rules", "write");
      const input = parseForm(CreateAlertRuleSchema, ruleInput(body, body.kind as RuleKind, false));
      const rule = await createAlertRule(c.get("deps").sql, principal, input, auditContext(c));
      return c.redirect(`/alert-rules/${rule.id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderList(c, principal, { values: asValues(body), ...formErrors(error) }, error.status);
    }
  });

  app.get("/alert-rules/:id", (c) => renderRule(c, requireUserPage(c), idParam(c, NOT_FOUND)));

  app.post("/alert-rules/:id", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, NOT_FOUND);
    const body = await formFields(c);
    try {
      const rule = await getAlertRule(c.get("deps").sql, principal, id);
      const input = parseForm(UpdateAlertRuleSchema, ruleInput(body, rule.kind, true));
      await updateAlertRule(c.get("deps").sql, principal, id, input, auditContext(c));
      return c.redirect(`/alert-rules/${id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderRule(c, principal, id, { values: asValues(body), ...formErrors(error) }, error.status);
    }
  });

  app.post("/alert-rules/:id/delete", async (c) => {
    const principal = requireUserPage(c);
    await deleteAlertRule(c.get("deps").sql, principal, idParam(c, NOT_FOUND), auditContext(c));
    return c.redirect("/alert-rules", 303);
  });

  return app;
}
