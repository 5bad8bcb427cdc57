/**
 * The users page: list, invite (a full-page POST whose answer shows the link
 * once), and in-place htmx changes of role and status on each row.
 */
import { type Context, Hono } from "hono";
import type { Principal } from "../../services/auth/permissions.ts";
import { can } from "../../services/auth/permissions.ts";
import type { AppError } from "../../services/platform/errors.ts";
import { type InvitationResult, inviteUser, resendInvitation } from "../../services/users/invitations.ts";
import { InviteUserSchema, ListUsersQuerySchema, UpdateUserSchema } from "../../services/users/schemas.ts";
import { getUser, listUsers, updateUser, userFormOptions } from "../../services/users/users.ts";
import type { InviteValues, IssuedLink } from "../../views/users/_invite_form.tsx";
import { UserTableRow } from "../../views/users/_user_row.tsx";
import { UsersPage, type UsersPageProps } from "../../views/users/users_page.tsx";
import { inviteDelivery } from "../api/v1/invitations.ts";
import type { AppEnv } from "../deps.ts";
import { formBody, formErrors, idParam, isShownInPlace, parseForm } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

/** An optional form field left empty is absent, as it would be in JSON. */
const blankless = (v: string | undefined) => (v === "" ? undefined : v);

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

const issuedLink = (r: InvitationResult): IssuedLink => ({
  email: r.user.email,
  url: r.url,
  expiresAt: r.expiresAt,
  emailSent: r.emailSent,
});

async function renderUsersPage(
  c: Context<AppEnv>,
  principal: Principal,
  extra: Partial<UsersPageProps> = {},
  status = 200,
) {
  const { sql } = c.get("deps");
  const query = ListUsersQuerySchema.safeParse(c.req.query());
  const filter = query.success ? query.data : { limit: 50 };
  const [page, options] = await Promise.all([
    listUsers(sql, principal, filter),
    userFormOptions(sql, principal),
  ]);
  const roles = options.roles.map((r) => ({ id: r.id, name: r.name, builtin: r.tenant_id === null }));
  return html(
    c,
    <UsersPage
      users={page.data}
      nextCursor={page.next_cursor}
      status={query.success ? query.data.status : undefined}
      roles={roles}
      clients={options.clients}
      canManage={can(principal, "users", "manage")}
      {...extra}
    />,
    status,
  );
}

/** The row again (htmx) or the page (no JavaScript), after a change or a refused one. */
async function answerRowChange(
  c: Context<AppEnv>,
  principal: Principal,
  id: string,
  outcome: { error?: AppError; draft?: { role?: string; client_id?: string } },
) {
  if (!isPartial(c)) {
    if (!outcome.error) return c.redirect("/users", 303);
    return renderUsersPage(c, principal, { error: outcome.error.message }, outcome.error.status);
  }
  const { sql } = c.get("deps");
  const [user, options] = await Promise.all([getUser(sql, principal, id), userFormOptions(sql, principal)]);
  const roles = options.roles.map((r) => ({ id: r.id, name: r.name, builtin: r.tenant_id === null }));
  // htmx swaps only 2xx answers, so a refusal comes back as the row with its message.
  return html(
    c,
    <UserTableRow
      user={user}
      roles={roles}
      clients={options.clients}
      canManage={can(principal, "users", "manage")}
      draft={outcome.draft}
      error={outcome.error?.errors?.map((e) => `${e.path}: ${e.message}`).join("; ") ?? outcome.error?.message}
    />,
    200,
    { fragment: true },
  );
}

export function userPages() {
  const app = new Hono<AppEnv>();

  app.get("/users", (c) => renderUsersPage(c, requireUserPage(c)));

  app.post("/users", async (c) => {
    const principal = requireUserPage(c);
    const body = await formBody(c);
    const values: InviteValues = {
      email: one(body.email),
      name: one(body.name),
      role: one(body.role),
      client_id: one(body.client_id),
    };
    try {
      const input = parseForm(InviteUserSchema, {
        email: values.email ?? "",
        name: blankless(values.name),
        role: values.role ?? "",
        client_id: blankless(values.client_id),
      });
      const result = await inviteUser(c.get("deps").sql, principal, input, auditContext(c), inviteDelivery(c));
      // The answer holds a secret shown once: render it (no redirect) and keep it out of caches.
      c.header("Cache-Control", "no-store");
      return await renderUsersPage(c, principal, { issued: issuedLink(result) }, 201);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderUsersPage(c, principal, { values, ...formErrors(error) }, error.status);
    }
  });

  app.post("/users/:id/role", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c);
    const body = await formBody(c);
    const draft = { role: one(body.role), client_id: one(body.client_id) };
    try {
      // The client picker's "Choose a client…" means none; its absence means unchanged.
      const input = parseForm(UpdateUserSchema, {
        role: draft.role ?? "",
        ...(draft.client_id === undefined ? {} : { client_id: draft.client_id || null }),
      });
      await updateUser(c.get("deps").sql, principal, id, input, auditContext(c));
      return answerRowChange(c, principal, id, {});
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return answerRowChange(c, principal, id, { error, draft });
    }
  });

  app.post("/users/:id/status", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c);
    const body = await formBody(c);
    try {
      const input = parseForm(UpdateUserSchema, { status: one(body.status) ?? "" });
      await updateUser(c.get("deps").sql, principal, id, input, auditContext(c));
      return answerRowChange(c, principal, id, {});
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return answerRowChange(c, principal, id, { error });
    }
  });

  app.post("/users/:id/invitation", async (c) => {
    const principal = requireUserPage(c);
    try {
      const result = await resendInvitation(
        c.get("deps").sql,
        principal,
        idParam(c),
        auditContext(c),
        inviteDelivery(c),
      );
      c.header("Cache-Control", "no-store");
      return await renderUsersPage(c, principal, { issued: issuedLink(result) }, 201);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderUsersPage(c, principal, { error: error.message }, error.status);
    }
  });
  return app;
}
