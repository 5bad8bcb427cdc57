/**
 * The notification channel pages: /notifications (list, add by type, test and
 * delete in place) and /notifications/channels/{id} (health, test, settings,
 * delivery log). Forms post the API's field paths and go through the API's
 * schemas; secrets are never put back into a page.
 */
import { type Context, Hono } from "hono";
import type { ChannelType } from "../../db/queries/notification_channels.ts";
import { can, type Principal } from "../../services/auth/permissions.ts";
import { AppError } from "../../services/platform/errors.ts";
import { CreateChannelSchema, UpdateChannelSchema } from "../../services/notifications/channel_schemas.ts";
import { CHANNEL_TYPES, channelKind } from "../../services/notifications/channels/registry.ts";
import { testChannel } from "../../services/notifications/test_delivery.ts";
import {
  createChannel,
  deleteChannel,
  getChannel,
  listChannels,
  slackWorkspaces,
  updateChannel,
} from "../../services/notifications/channels.ts";
import { listDeliveries } from "../../services/notifications/deliveries.ts";
import { loadProfile } from "../../services/profile/profile.ts";
import { type FieldErrors, toFieldErrors } from "../../views/components/form_field.tsx";
import type { ChannelFormValues } from "../../views/notifications/_channel_form.tsx";
import { ChannelTestResultView } from "../../views/notifications/_channel_test_result.tsx";
import { ChannelPage, type ChannelPageProps } from "../../views/notifications/channel_page.tsx";
import { ChannelsPage, type ChannelsPageProps } from "../../views/notifications/channels_page.tsx";
import { channelDeps, testDeps } from "../api/v1/notification_channels.ts";
import type { AppEnv } from "../deps.ts";
import { formFields, idParam, parseForm } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

const PAGE_SIZE = 50;
const DELIVERIES_SHOWN = 20;
const TYPES: readonly ChannelType[] = CHANNEL_TYPES;
const SECRET_FIELDS = ["config.bot_token", "config.webhook_url", "config.secret"];

type ListExtra = Partial<Pick<ChannelsPageProps, "values" | "errors" | "created" | "formType">>;
type DetailExtra = Partial<Pick<ChannelPageProps, "values" | "errors" | "testResult" | "newSecret">>;

async function renderList(c: Context<AppEnv>, principal: Principal, extra: ListExtra = {}, status = 200) {
  const { sql, config } = c.get("deps");
  const [page, profile, workspaces] = await Promise.all([
    listChannels(sql, principal, { limit: PAGE_SIZE, cursor: c.req.query("cursor") }),
    loadProfile(sql, principal),
    slackWorkspaces(sql, principal),
  ]);
  const asked = c.req.query("type") as ChannelType;
  return html(
    c,
    <ChannelsPage
      channels={page.data}
      nextCursor={page.next_cursor}
      timeZone={profile.timezone}
      canWrite={can(principal, "notification_channels", "write")}
      canDelete={can(principal, "notification_channels", "delete")}
      smtpConfigured={Boolean(config.smtpUrl)}
      workspaces={workspaces}
      formType={TYPES.includes(asked) ? asked : "slack"}
      {...extra}
    />,
    status,
  );
}

async function renderDetail(
  c: Context<AppEnv>,
  principal: Principal,
  id: string,
  extra: DetailExtra = {},
  status = 200,
) {
  const { sql, config } = c.get("deps");
  const row = await getChannel(sql, principal, id);
  const [deliveries, profile, workspaces] = await Promise.all([
    listDeliveries(sql, principal, { channelId: id, limit: DELIVERIES_SHOWN }),
    loadProfile(sql, principal),
    row.type === "slack" ? slackWorkspaces(sql, principal) : [],
  ]);
  return html(
    c,
    <ChannelPage
      row={row}
      deliveries={deliveries.data}
      timeZone={profile.timezone}
      canWrite={can(principal, "notification_channels", "write")}
      smtpConfigured={Boolean(config.smtpUrl)}
      workspaces={workspaces}
      values={extra.values ?? formValuesOf(row.name, row.type, row.config)}
      {...extra}
    />,
    status,
  );
}

/** The stored settings as form values (secrets stay out). */
function formValuesOf(name: string, type: ChannelType, config: Record<string, unknown>): ChannelFormValues {
  return { name, ...channelKind(type).form.values(config) };
}

/** Errors keyed as the form's fields: `config.to.2` belongs to the recipients box. */
function formErrorsOf(error: AppError): FieldErrors {
  const errors = toFieldErrors(
    error.errors?.map((e) => ({ ...e, path: e.path.replace(/^config\.to\.\d+$/, "config.to") })),
  );
  if (!error.errors) errors[""] = error.message;
  return errors;
}

function withoutSecrets(form: Record<string, string>): ChannelFormValues {
  return Object.fromEntries(Object.entries(form).filter(([k]) => !SECRET_FIELDS.includes(k)));
}

const isFixable = (error: unknown): error is AppError => error instanceof AppError && error.status === 422;

export function notificationChannelPages() {
  const app = new Hono<AppEnv>();

  app.get("/notifications", (c) => renderList(c, requireUserPage(c)));

  app.post("/notifications/channels", async (c) => {
    const principal = requireUserPage(c);
    const form = await formFields(c);
    const type = (TYPES.includes(form.type as ChannelType) ? form.type : "slack") as ChannelType;
    try {
      const input = parseForm(CreateChannelSchema, {
        name: form.name ?? "",
        type,
        config: channelKind(type).form.config(form),
      });
      const { row, generatedSecret } = await createChannel(
        c.get("deps").sql,
        principal,
        input,
        auditContext(c),
        channelDeps(c),
      );
      if (!generatedSecret) return c.redirect(`/notifications/channels/${row.id}`, 303);
      // The secret is only ever in this answer: no redirect, no caching.
      c.header("Cache-Control", "no-store");
      return await renderList(c, principal, { created: { id: row.id, name: row.name, secret: generatedSecret } });
    } catch (error) {
      if (!isFixable(error)) throw error;
      const extra = { formType: type, values: withoutSecrets(form), errors: formErrorsOf(error) };
      return await renderList(c, principal, extra, 422);
    }
  });

  app.get("/notifications/channels/:id", (c) => {
    const principal = requireUserPage(c);
    return renderDetail(c, principal, idParam(c, "No such notification channel"));
  });

  app.post("/notifications/channels/:id", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "No such notification channel");
    const form = await formFields(c);
    const { sql } = c.get("deps");
    try {
      const current = await getChannel(sql, principal, id);
      const input = parseForm(UpdateChannelSchema, {
        name: form.name ?? "",
        config: channelKind(current.type).form.config(form),
      });
      const { generatedSecret } = await updateChannel(sql, principal, id, input, auditContext(c), channelDeps(c));
      if (!generatedSecret) return c.redirect(`/notifications/channels/${id}`, 303);
      c.header("Cache-Control", "no-store");
      return await renderDetail(c, principal, id, { newSecret: generatedSecret });
    } catch (error) {
      if (!isFixable(error)) throw error;
      return await renderDetail(c, principal, id, { values: withoutSecrets(form), errors: formErrorsOf(error) }, 422);
    }
  });

  app.post("/notifications/channels/:id/delete", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "No such notification channel");
    await deleteChannel(c.get("deps").sql, principal, id, auditContext(c));
    if (isPartial(c)) return c.body("", 200);
    return c.redirect("/notifications", 303);
  });

  app.post("/notifications/channels/:id/test", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "No such notification channel");
    const result = await testChannel(testDeps(c), principal, id, auditContext(c));
    if (isPartial(c)) return html(c, <ChannelTestResultView result={result} />, 200, { fragment: true });
    return await renderDetail(c, principal, id, { testResult: result });
  });

  return app;
}
