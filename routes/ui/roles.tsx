/** The roles page: every role's permission matrix; custom roles are created, saved (htmx) and deleted here. */
import { type Context, Hono } from "hono";
import { can, type Principal } from "../../services/auth/permissions.ts";
import type { AppError } from "../../services/platform/errors.ts";
import { createRole, deleteRole, getRole, listRoles, updateRole } from "../../services/roles/roles.ts";
import { CreateRoleSchema, ListRolesQuerySchema, UpdateRoleSchema } from "../../services/roles/schemas.ts";
import { RoleCard } from "../../views/roles/_role_card.tsx";
import { RolesPage, type RolesPageProps } from "../../views/roles/roles_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formBody, formErrors, idParam, isShownInPlace, parseForm, text, texts } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

/** The role form's fields; unticking every box posts no `permissions` at all, which means none. */
async function roleForm(c: Context<AppEnv>) {
  const body = await formBody(c);
  return { name: text(body.name), description: text(body.description), permissions: texts(body.permissions) };
}

async function renderRolesPage(
  c: Context<AppEnv>,
  principal: Principal,
  extra: Partial<RolesPageProps> = {},
  status = 200,
) {
  const query = ListRolesQuerySchema.safeParse(c.req.query());
  const page = await listRoles(c.get("deps").sql, principal, query.success ? query.data : { limit: 50 });
  return html(
    c,
    <RolesPage
      roles={page.data}
      nextCursor={page.next_cursor}
      canManage={can(principal, "roles", "manage")}
      grantable={principal.permissions}
      openId={c.req.query("open")}
      {...extra}
    />,
    status,
  );
}

export function rolePages() {
  const app = new Hono<AppEnv>();

  app.get("/roles", (c) => renderRolesPage(c, requireUserPage(c)));

  app.post("/roles", async (c) => {
    const principal = requireUserPage(c);
    const values = await roleForm(c);
    try {
      const role = await createRole(
        c.get("deps").sql,
        principal,
        parseForm(CreateRoleSchema, {
          ...values,
          name: values.name ?? "",
          description: values.description || undefined,
        }),
        auditContext(c),
      );
      return c.redirect(`/roles?open=${role.id}#role-${role.id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderRolesPage(c, principal, { values, ...formErrors(error) }, error.status);
    }
  });

  app.post("/roles/:id", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c);
    const values = await roleForm(c);
    const { sql } = c.get("deps");
    const card = async (extra: Record<string, unknown>, status = 200) =>
      html(
        c,
        <RoleCard
          role={await getRole(sql, principal, id)}
          canManage={can(principal, "roles", "manage")}
          grantable={principal.permissions}
          open
          {...extra}
        />,
        status,
        { fragment: true },
      );
    try {
      // An emptied description clears it; a missing name field leaves the name alone.
      const input = parseForm(UpdateRoleSchema, { ...values, description: values.description || null });
      await updateRole(sql, principal, id, input, auditContext(c));
      return isPartial(c) ? card({ saved: true }) : c.redirect(`/roles?open=${id}#role-${id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      const shown = { values, ...formErrors(error) };
      // htmx swaps only 2xx answers: the card comes back with its errors in place.
      if (isPartial(c)) return card(shown);
      return renderRolesPage(c, principal, { openId: id, error: shown.error ?? errorSummary(error) }, error.status);
    }
  });

  app.post("/roles/:id/delete", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c);
    try {
      await deleteRole(c.get("deps").sql, principal, id, auditContext(c));
      // An empty answer removes the card in place.
      return isPartial(c) ? c.body(null, 200) : c.redirect("/roles", 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      if (!isPartial(c)) return renderRolesPage(c, principal, { error: error.message }, error.status);
      return html(
        c,
        <RoleCard
          role={await getRole(c.get("deps").sql, principal, id)}
          canManage={can(principal, "roles", "manage")}
          grantable={principal.permissions}
          open
          error={error.message}
        />,
        200,
        { fragment: true },
      );
    }
  });
  return app;
}

function errorSummary(error: AppError): string {
  return error.errors?.map((e) => `${e.path}: ${e.message}`).join("; ") ?? error.message;
}
