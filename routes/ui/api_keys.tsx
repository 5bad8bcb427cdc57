/** The API keys page: list, create (the key shown once), revoke in place with htmx. */
import { type Context, Hono } from "hono";
import { createApiKey, listKeys, revokeKey, statusOf } from "../../services/api_keys/api_keys.ts";
import { ApiKeyCreateSchema } from "../../services/api_keys/schemas.ts";
import { can, type Principal } from "../../services/auth/permissions.ts";
import { AppError } from "../../services/platform/errors.ts";
import { loadProfile } from "../../services/profile/profile.ts";
import { ApiKeysPage, type ApiKeysPageProps } from "../../views/api_keys/api_keys_page.tsx";
import { ApiKeyTableRow } from "../../views/api_keys/_row.tsx";
import { toFieldErrors } from "../../views/components/form_field.tsx";
import type { AppEnv } from "../deps.ts";
import { formBody, idParam, parseForm, text, texts } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

const PAGE_SIZE = 50;

type Extra = Pick<ApiKeysPageProps, "newKey" | "values" | "errors">;

async function renderPage(
  c: Context<AppEnv>,
  principal: Principal,
  view: { showAll: boolean; cursor?: string },
  extra: Extra = {},
  status = 200,
) {
  const { sql, now } = c.get("deps");
  const [page, profile] = await Promise.all([
    listKeys(sql, principal, { all: view.showAll, limit: PAGE_SIZE, cursor: view.cursor }),
    loadProfile(sql, principal),
  ]);
  const at = now();
  return html(
    c,
    <ApiKeysPage
      keys={page.data.map((row) => ({ row, status: statusOf(row, at) }))}
      nextCursor={page.next_cursor}
      timeZone={profile.timezone}
      permissions={principal.permissions}
      canManage={can(principal, "api_keys", "manage")}
      showAll={view.showAll}
      {...extra}
    />,
    status,
  );
}

export function apiKeyPages() {
  const app = new Hono<AppEnv>();

  app.get("/api-keys", (c) => {
    const principal = requireUserPage(c);
    const showAll = c.req.query("all") === "true" && can(principal, "api_keys", "manage");
    return renderPage(c, principal, { showAll, cursor: c.req.query("cursor") });
  });

  app.post("/api-keys", async (c) => {
    const principal = requireUserPage(c);
    const body = await formBody(c);
    const values = { name: text(body.name), expires_at: text(body.expires_at), scopes: texts(body.scopes) };
    try {
      // The date picker gives a day; the key lasts until the end of it (UTC). Same schema as the API from here on.
      const input = parseForm(ApiKeyCreateSchema, {
        name: values.name,
        scopes: values.scopes,
        expires_at: values.expires_at ? `${values.expires_at}T23:59:59Z` : undefined,
      });
      const { key, row } = await createApiKey(c.get("deps").sql, principal, input, auditContext(c));
      // The key is only ever in this answer: no redirect (it would need the key in a URL or a store), no caching.
      c.header("Cache-Control", "no-store");
      return await renderPage(c, principal, { showAll: false }, { newKey: { name: row.name, key } });
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      return await renderPage(c, principal, { showAll: false }, { values, errors: toFieldErrors(error.errors) }, 422);
    }
  });

  app.post("/api-keys/:id/revoke", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "No such API key");
    const { sql, now } = c.get("deps");
    const row = await revokeKey(sql, principal, id, auditContext(c));
    if (!isPartial(c)) return c.redirect(viewingAll(c.req.header("Referer")) ? "/api-keys?all=true" : "/api-keys", 303);
    const profile = await loadProfile(sql, principal);
    return html(
      c,
      <ApiKeyTableRow
        apiKey={row}
        status={statusOf(row, now())}
        timeZone={profile.timezone}
        showOwner={viewingAll(c.req.header("HX-Current-URL"))}
      />,
      200,
      { fragment: true },
    );
  });
  return app;
}

/** Whether the page the request came from lists everyone's keys (its table then has an owner column). */
function viewingAll(pageUrl: string | undefined): boolean {
  if (!pageUrl) return false;
  try {
    return new URL(pageUrl).searchParams.get("all") === "true";
  } catch {
    return false;
  }
}
