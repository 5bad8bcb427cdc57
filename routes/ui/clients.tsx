/**
 * The clients pages: the list with its create form and in-place archive,
 * a client's page (projects, SOWs, open change requests, rename, archive),
 * and the confirmation page before a permanent delete.
 */
import { type Context, Hono } from "hono";
import { can, type Principal } from "../../services/auth/permissions.ts";
import {
  clientDeletePreview,
  clientOverview,
  createClient,
  deleteClient,
  getClient,
  listClients,
  updateClient,
} from "../../services/clients/clients.ts";
import { CreateClientSchema, ListClientsQuerySchema, UpdateClientSchema } from "../../services/clients/schemas.ts";
import type { AppError } from "../../services/platform/errors.ts";
import { ClientTableRow } from "../../views/clients/_client_row.tsx";
import { ClientDeletePage } from "../../views/clients/client_delete_page.tsx";
import { ClientPage, type ClientPageProps } from "../../views/clients/client_page.tsx";
import { ClientsPage, type ClientsPageProps } from "../../views/clients/clients_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formErrors, formFields, idParam, isShownInPlace, parseForm } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

async function renderClientsPage(
  c: Context<AppEnv>,
  principal: Principal,
  extra: Partial<ClientsPageProps> = {},
  status = 200,
) {
  const parsed = ListClientsQuerySchema.safeParse(c.req.query());
  const query = parsed.success ? parsed.data : { limit: 50, archived: false };
  const page = await listClients(c.get("deps").sql, principal, query);
  return html(
    c,
    <ClientsPage
      clients={page.data}
      nextCursor={page.next_cursor}
      q={parsed.success ? parsed.data.q : undefined}
      archived={query.archived}
      canWrite={can(principal, "clients", "write")}
      {...extra}
    />,
    status,
  );
}

async function renderClientPage(
  c: Context<AppEnv>,
  principal: Principal,
  id: string,
  extra: Partial<ClientPageProps> = {},
  status = 200,
) {
  const overview = await clientOverview(c.get("deps").sql, principal, id);
  return html(
    c,
    <ClientPage
      {...overview}
      canWrite={can(principal, "clients", "write")}
      canDelete={can(principal, "clients", "delete")}
      canCreateProject={can(principal, "projects", "write")}
      {...extra}
    />,
    status,
  );
}

/** Archive or restore: the row again for htmx (with the refusal, if any), else back to where the form was. */
async function archiveAction(c: Context<AppEnv>, archived: boolean) {
  const principal = requireUserPage(c);
  const id = idParam(c, "Client not found");
  const { sql } = c.get("deps");
  let error: AppError | undefined;
  try {
    await updateClient(sql, principal, id, parseForm(UpdateClientSchema, { archived }), auditContext(c));
  } catch (e) {
    if (!isShownInPlace(e)) throw e;
    error = e;
  }
  if (isPartial(c)) {
    const client = await getClient(sql, principal, id);
    return html(
      c,
      <ClientTableRow client={client} canWrite={can(principal, "clients", "write")} error={error?.message} />,
      200,
      { fragment: true },
    );
  }
  if (error) return renderClientPage(c, principal, id, { error: error.message }, error.status);
  return c.redirect(`/clients/${id}`, 303);
}

export function clientPages() {
  const app = new Hono<AppEnv>();

  app.get("/clients", (c) => renderClientsPage(c, requireUserPage(c)));

  app.post("/clients", async (c) => {
    const principal = requireUserPage(c);
    const values = await formFields(c);
    try {
      const input = parseForm(CreateClientSchema, { name: values.name ?? "" });
      const client = await createClient(c.get("deps").sql, principal, input, auditContext(c));
      return c.redirect(`/clients/${client.id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderClientsPage(c, principal, { values, ...formErrors(error) }, error.status);
    }
  });

  app.get("/clients/:id", (c) => renderClientPage(c, requireUserPage(c), idParam(c, "Client not found")));

  app.post("/clients/:id", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "Client not found");
    const values = await formFields(c);
    try {
      const input = parseForm(UpdateClientSchema, { name: values.name ?? "" });
      await updateClient(c.get("deps").sql, principal, id, input, auditContext(c));
      return c.redirect(`/clients/${id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderClientPage(c, principal, id, { values, ...formErrors(error) }, error.status);
    }
  });

  app.post("/clients/:id/archive", (c) => archiveAction(c, true));
  app.post("/clients/:id/restore", (c) => archiveAction(c, false));

  app.get("/clients/:id/delete", async (c) => {
    const principal = requireUserPage(c);
    const preview = await clientDeletePreview(c.get("deps").sql, principal, idParam(c, "Client not found"));
    return html(c, <ClientDeletePage {...preview} />);
  });

  app.post("/clients/:id/delete", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "Client not found");
    const { sql } = c.get("deps");
    try {
      await deleteClient(sql, principal, id, auditContext(c));
      return c.redirect("/clients", 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      const preview = await clientDeletePreview(sql, principal, id);
      return html(c, <ClientDeletePage {...preview} />, error.status);
    }
  });
  return app;
}
