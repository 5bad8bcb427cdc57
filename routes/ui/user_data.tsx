/** The `user_data` editor: /users/{id}/data lists a person's key/value pairs, sets and removes them. */
import { type Context, Hono } from "hono";
import type { Principal } from "../../services/auth/permissions.ts";
import { AppError } from "../../services/platform/errors.ts";
import { UserDataEntrySchema } from "../../services/user_sync/schemas.ts";
import { userDataPage, writeUserData } from "../../services/user_sync/user_data.ts";
import { toFieldErrors } from "../../views/components/form_field.tsx";
import { UserDataPage, type UserDataPageProps } from "../../views/user_sync/user_data_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formFields, idParam, parseForm } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, requireUserPage } from "../render.ts";

type Extra = Pick<UserDataPageProps, "values" | "errors" | "notice">;

async function renderPage(c: Context<AppEnv>, principal: Principal, id: string, extra: Extra = {}, status = 200) {
  const data = await userDataPage(c.get("deps").sql, principal, id);
  return html(
    c,
    <UserDataPage userId={id} userName={data.name} rows={data.rows} canWrite={data.canWrite} {...extra} />,
    status,
  );
}

export function userDataPages() {
  const app = new Hono<AppEnv>();
  app.get("/users/:id/data", (c) => renderPage(c, requireUserPage(c), idParam(c, "User not found")));

  app.post("/users/:id/data", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "User not found");
    const body = await formFields(c);
    const values = { key: (body.key ?? "").trim(), value: body.value ?? "" };
    try {
      const input = parseForm(UserDataEntrySchema, values);
      await writeUserData(c.get("deps").sql, principal, id, input.key, input.value, auditContext(c));
      return c.redirect(`/users/${id}/data`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      const notice = { kind: "error" as const, text: "Nothing was saved: see the field marked below." };
      return await renderPage(c, principal, id, { values, errors: toFieldErrors(error.errors), notice }, 422);
    }
  });

  app.post("/users/:id/data/delete", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "User not found");
    const key = parseForm(UserDataEntrySchema.pick({ key: true }), { key: (await formFields(c)).key ?? "" }).key;
    await writeUserData(c.get("deps").sql, principal, id, key, null, auditContext(c));
    return c.redirect(`/users/${id}/data`, 303);
  });
  return app;
}
