/**
 * /notifications/rules: the list and the new-rule form (a full-page POST,
 * 303 back), and in-place htmx enable/disable and delete on each row.
 */
import { type Context, Hono } from "hono";
import { can, type Principal } from "../../services/auth/permissions.ts";
import { brokenChannels } from "../../services/notifications/deliveries.ts";
import { CreateRuleSchema, ListRulesQuerySchema, UpdateRuleSchema } from "../../services/notifications/rule_schemas.ts";
import {
  createRule,
  deleteRule,
  getRule,
  listRules,
  ruleFormOptions,
  updateRule,
} from "../../services/notifications/rules.ts";
import type { RuleFormValues } from "../../views/notifications/rules_form.tsx";
import { RulesPage, type RulesPageProps } from "../../views/notifications/rules_page.tsx";
import { RuleTableRow } from "../../views/notifications/rules_row.tsx";
import { RuleEditPage } from "../../views/notifications/rules_edit_page.tsx";
import type { FieldErrors } from "../../views/components/form_field.tsx";
import type { AppEnv } from "../deps.ts";
import { formBody, formErrors, idParam, isShownInPlace, parseForm, text, texts } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

async function renderPage(c: Context<AppEnv>, principal: Principal, extra: Partial<RulesPageProps> = {}, status = 200) {
  const { sql } = c.get("deps");
  const parsed = ListRulesQuerySchema.safeParse(c.req.query());
  const [page, options, broken] = await Promise.all([
    listRules(sql, principal, parsed.success ? parsed.data : { limit: 50 }),
    ruleFormOptions(sql, principal),
    brokenChannels(sql, principal),
  ]);
  return html(
    c,
    <RulesPage
      rules={page.data}
      nextCursor={page.next_cursor}
      options={options}
      canWrite={can(principal, "notification_rules", "write")}
      canDelete={can(principal, "notification_rules", "delete")}
      broken={broken}
      {...extra}
    />,
    status,
  );
}

/** The row again (htmx; an empty answer removes it) or back to the page (no JavaScript). */
async function answerRow(c: Context<AppEnv>, principal: Principal, id: string, error?: string, deleted = false) {
  if (!isPartial(c)) {
    if (!error) return c.redirect("/notifications/rules", 303);
    return renderPage(c, principal, { error }, 409);
  }
  if (deleted) return c.html("", 200);
  const rule = await getRule(c.get("deps").sql, principal, id);
  return html(
    c,
    <RuleTableRow
      rule={rule}
      canWrite={can(principal, "notification_rules", "write")}
      canDelete={can(principal, "notification_rules", "delete")}
      error={error}
    />,
    200,
    { fragment: true },
  );
}

/** The form's fields as posted (kept to show them again with their errors). */
function formValues(body: Record<string, string | string[]>): RuleFormValues {
  return {
    channel_id: text(body.channel_id),
    project_id: text(body.project_id),
    event_types: texts(body.event_types),
    mode: text(body.mode),
    digest_minutes: text(body.digest_minutes),
  };
}

/** The same shape the API takes: empty fields absent, the window only for a digest. */
function asInput(values: RuleFormValues) {
  const digest = values.mode === "digest" && values.digest_minutes ? Number(values.digest_minutes) : undefined;
  return {
    channel_id: values.channel_id ?? "",
    ...(values.project_id ? { project_id: values.project_id } : {}),
    event_types: values.event_types,
    mode: values.mode ?? "immediate",
    ...(digest === undefined ? {} : { digest_minutes: digest }),
  };
}

async function renderEdit(
  c: Context<AppEnv>,
  principal: Principal,
  id: string,
  values: RuleFormValues,
  errors?: FieldErrors,
  status = 200,
) {
  const options = await ruleFormOptions(c.get("deps").sql, principal);
  return html(c, <RuleEditPage id={id} options={options} values={values} errors={errors} />, status);
}

export function notificationRulePages() {
  const app = new Hono<AppEnv>();
  app.get("/notifications/rules", (c) => renderPage(c, requireUserPage(c)));

  app.post("/notifications/rules", async (c) => {
    const principal = requireUserPage(c);
    const values = formValues(await formBody(c));
    try {
      await createRule(c.get("deps").sql, principal, parseForm(CreateRuleSchema, asInput(values)), auditContext(c));
      return c.redirect("/notifications/rules", 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderPage(c, principal, { values, ...formErrors(error) }, error.status);
    }
  });

  app.get("/notifications/rules/:id", async (c) => {
    const principal = requireUserPage(c);
    const rule = await getRule(c.get("deps").sql, principal, idParam(c));
    return renderEdit(c, principal, rule.id, {
      channel_id: rule.channel_id,
      project_id: rule.project_id ?? "",
      event_types: rule.event_types,
      mode: rule.mode,
      digest_minutes: rule.digest_minutes ? String(rule.digest_minutes) : "",
    });
  });

  app.post("/notifications/rules/:id", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c);
    const values = formValues(await formBody(c));
    try {
      const input = parseForm(UpdateRuleSchema, { ...asInput(values), project_id: values.project_id || null });
      await updateRule(c.get("deps").sql, principal, id, input, auditContext(c));
      return c.redirect("/notifications/rules", 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderEdit(c, principal, id, values, formErrors(error).errors, error.status);
    }
  });

  app.post("/notifications/rules/:id/enabled", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c);
    const body = await formBody(c);
    try {
      const input = parseForm(UpdateRuleSchema, { enabled: text(body.enabled) === "true" });
      await updateRule(c.get("deps").sql, principal, id, input, auditContext(c));
      return answerRow(c, principal, id);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return answerRow(c, principal, id, error.message);
    }
  });

  app.post("/notifications/rules/:id/delete", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c);
    try {
      await deleteRule(c.get("deps").sql, principal, id, auditContext(c));
      return answerRow(c, principal, id, undefined, true);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return answerRow(c, principal, id, error.message);
    }
  });
  return app;
}
