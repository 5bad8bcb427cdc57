/** Status page admin pages: list + create, one page (settings, components, incidents), an incident's timeline. */
import { type Context, Hono } from "hono";
import { can, type Principal } from "../../services/auth/permissions.ts";
import {
  addComponent,
  createStatusPage,
  deleteComponent,
  getStatusPage,
  listStatusPages,
  pageFormChoices,
  updateStatusPage,
} from "../../services/status_pages/pages.ts";
import {
  createIncident,
  getIncidentWithUpdates,
  listIncidents,
  openIncidentFromAlert,
  updateIncident,
} from "../../services/status_pages/incidents.ts";
import {
  ComponentInputSchema,
  IncidentCreateSchema,
  IncidentUpdateSchema,
  StatusPageInputSchema,
} from "../../services/status_pages/schemas.ts";
import { StatusPagesList } from "../../views/status_pages/pages_list.tsx";
import { PageAdmin, type PageAdminProps } from "../../views/status_pages/page_admin.tsx";
import { IncidentPage } from "../../views/status_pages/incident_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formBody, formErrors, idParam, isShownInPlace, parseForm, text, texts } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, requireUserPage } from "../render.ts";

type Form = Awaited<ReturnType<typeof formBody>>;
const single = (f: Form) => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, text(v) ?? ""]));

function pageInput(f: Form) {
  const s = single(f);
  return parseForm(StatusPageInputSchema, {
    title: s.title,
    slug: s.slug,
    client_id: s.client_id || null,
    description: s.description,
    logo_url: s.logo_url || null,
    custom_domain: s.custom_domain || null,
    published: s.published === "on",
    show_maintenance: s.show_maintenance === "on",
    show_response_times: s.show_response_times === "on",
  });
}

/** datetime-local (no zone) read as UTC, as the form says. */
const utc = (v: string | undefined) => v ? `${v.length === 16 ? `${v}:00` : v}Z` : undefined;

async function renderList(c: Context<AppEnv>, principal: Principal, extra = {}, status = 200) {
  const { sql } = c.get("deps");
  const [rows, choices] = await Promise.all([listStatusPages(sql, principal), pageFormChoices(sql, principal)]);
  return html(
    c,
    <StatusPagesList
      rows={rows}
      clients={choices.clients}
      canWrite={can(principal, "status_pages", "write")}
      {...extra}
    />,
    status,
  );
}

async function renderPage(
  c: Context<AppEnv>,
  principal: Principal,
  id: string,
  extra: Partial<PageAdminProps> = {},
  status = 200,
) {
  const { sql } = c.get("deps");
  const [{ page, components }, incidents, choices] = await Promise.all([
    getStatusPage(sql, principal, id),
    listIncidents(sql, principal, id),
    pageFormChoices(sql, principal),
  ]);
  return html(
    c,
    <PageAdmin
      page={page}
      components={components}
      incidents={incidents.incidents}
      checks={choices.checks}
      clients={choices.clients}
      canWrite={can(principal, "status_pages", "write")}
      canOpenIncidents={can(principal, "incidents", "write")}
      {...extra}
    />,
    status,
  );
}

/** Runs a form's action; a refusal shows the page again with the form's errors in place (422). */
async function inPlace(
  action: () => Promise<Response>,
  again: (
    extra: { values: Record<string, string>; errors?: Record<string, string>; error?: string },
  ) => Promise<Response>,
  values: Record<string, string>,
) {
  try {
    return await action();
  } catch (error) {
    if (!isShownInPlace(error)) throw error;
    return await again({ values, ...formErrors(error) });
  }
}

export function statusPagePages() {
  const app = new Hono<AppEnv>();
  app.get("/status-pages", (c) => renderList(c, requireUserPage(c)));

  app.post("/status-pages", async (c) => {
    const principal = requireUserPage(c);
    const f = await formBody(c);
    return await inPlace(
      async () => {
        const row = await createStatusPage(c.get("deps").sql, principal, pageInput(f), auditContext(c));
        return c.redirect(`/status-pages/${row.id}`, 303);
      },
      (extra) => renderList(c, principal, extra, 422),
      single(f),
    );
  });

  app.get("/status-pages/:id", (c) => renderPage(c, requireUserPage(c), idParam(c)));

  app.post("/status-pages/:id", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c);
    const f = await formBody(c);
    return await inPlace(
      async () => {
        await updateStatusPage(c.get("deps").sql, principal, id, pageInput(f), auditContext(c));
        return c.redirect(`/status-pages/${id}`, 303);
      },
      (extra) => renderPage(c, principal, id, { ...extra, form: "settings" }, 422),
      single(f),
    );
  });

  app.post("/status-pages/:id/components", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c);
    const f = await formBody(c);
    return await inPlace(
      async () => {
        const input = parseForm(ComponentInputSchema, { name: text(f.name), check_ids: texts(f.check_ids) });
        await addComponent(c.get("deps").sql, principal, id, input, auditContext(c));
        return c.redirect(`/status-pages/${id}`, 303);
      },
      (extra) => renderPage(c, principal, id, { ...extra, form: "component" }, 422),
      single(f),
    );
  });

  app.post("/status-pages/:id/components/:component/delete", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c);
    const component = c.req.param("component");
    await deleteComponent(c.get("deps").sql, principal, component, auditContext(c));
    return c.redirect(`/status-pages/${id}`, 303);
  });

  app.post("/status-pages/:id/incidents", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c);
    const f = await formBody(c);
    const s = single(f);
    return await inPlace(
      async () => {
        const maintenance = s.kind === "maintenance";
        const input = parseForm(IncidentCreateSchema, {
          page_id: id,
          kind: s.kind || "incident",
          title: s.title,
          impact: s.impact || "minor",
          message: s.message,
          component_ids: texts(f.component_ids),
          scheduled_for: maintenance ? utc(s.scheduled_for) : undefined,
          scheduled_until: maintenance ? utc(s.scheduled_until) : undefined,
        });
        const row = await createIncident(c.get("deps").sql, principal, input, auditContext(c));
        return c.redirect(`/incidents/${row.id}`, 303);
      },
      (extra) => renderPage(c, principal, id, { ...extra, form: "incident" }, 422),
      s,
    );
  });

  const renderIncident = async (c: Context<AppEnv>, principal: Principal, id: string, extra = {}, status = 200) => {
    const r = await getIncidentWithUpdates(c.get("deps").sql, principal, id);
    return html(
      c,
      <IncidentPage
        incident={r.incident}
        updates={r.updates}
        canWrite={can(principal, "incidents", "write")}
        {...extra}
      />,
      status,
    );
  };

  app.get("/incidents/:id", (c) => renderIncident(c, requireUserPage(c), idParam(c)));

  app.post("/incidents/:id/updates", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c);
    const s = single(await formBody(c));
    return await inPlace(
      async () => {
        const input = parseForm(IncidentUpdateSchema, { status: s.status, message: s.message });
        await updateIncident(c.get("deps").sql, principal, id, input, auditContext(c));
        return c.redirect(`/incidents/${id}`, 303);
      },
      (extra) => renderIncident(c, principal, id, extra, 422),
      s,
    );
  });

  app.post("/alerts/:id/incident", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c);
    const opened = await openIncidentFromAlert(c.get("deps").sql, principal, id, undefined, auditContext(c));
    return c.redirect(`/incidents/${opened[0].id}`, 303);
  });
  return app;
}
