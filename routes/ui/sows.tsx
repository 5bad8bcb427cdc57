/**
 * The project hub's "Documents" tab: statements of work with their document
 * and Drive links, created and edited in place. Every answer is the whole
 * panel (htmx swaps it) or, without JavaScript, a redirect back to the tab.
 */
import { type Context, Hono } from "hono";
import { authorize, can, type Principal } from "../../services/auth/permissions.ts";
import { loadProjectFor } from "../../services/projects/access.ts";
import { CreateSowSchema, UpdateSowSchema } from "../../services/sows/schemas.ts";
import { createSow, deleteSow, getSow, listSows, updateSow } from "../../services/sows/sows.ts";
import { SOW_FIELDS, SowForm, type SowValues } from "../../views/sows/_sow_form.tsx";
import { DocumentsPanel, type DocumentsPanelProps } from "../../views/sows/documents_panel.tsx";
import { ProjectHubPage } from "../../views/projects/project_hub_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formErrors, formFields, idParam, isShownInPlace, parseForm } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

/** Also the panel of the page without JavaScript; a panel is at most this many SOWs. */
const PANEL_LIMIT = 200;

type PanelExtra = Pick<DocumentsPanelProps, "form" | "notice">;

/** The documents panel: alone for htmx (the hub loading its tab, or a swap), inside the project hub page otherwise. */
async function renderDocuments(
  c: Context<AppEnv>,
  principal: Principal,
  projectId: string,
  extra: PanelExtra = {},
  status = 200,
) {
  const { sql } = c.get("deps");
  const { project } = await loadProjectFor(sql, principal, projectId);
  const page = await listSows(sql, principal, { project_id: project.id, limit: PANEL_LIMIT });
  const writable = project.archived_at === null;
  const panel = (
    <DocumentsPanel
      project={project}
      sows={page.data}
      more={page.next_cursor !== null}
      canWrite={writable && can(principal, "sows", "write")}
      canDelete={writable && can(principal, "sows", "delete")}
      {...extra}
    />
  );
  if (isPartial(c)) return html(c, panel, status, { fragment: true });
  return html(c, <ProjectHubPage project={project} tab="documents">{panel}</ProjectHubPage>, status);
}

const formValues = (body: Record<string, string>): SowValues =>
  Object.fromEntries(SOW_FIELDS.map((f) => [f, body[f] ?? ""]));

/** htmx swaps only 2xx answers: a refused form comes back as a 200 panel showing why. */
const refusedStatus = (c: Context<AppEnv>, status: number) => (isPartial(c) ? 200 : status);

export function sowPages() {
  const app = new Hono<AppEnv>();

  app.get("/projects/:id/documents", (c) => renderDocuments(c, requireUserPage(c), idParam(c, "Project not found")));

  app.post("/projects/:id/sows", async (c) => {
    const principal = requireUserPage(c);
    const projectId = idParam(c, "Project not found");
    const values = formValues(await formFields(c));
    try {
      // An optional field left empty is absent, as it would be in JSON.
      const filled = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ""));
      const input = parseForm(CreateSowSchema, { name: "", ...filled, project_id: projectId });
      const sow = await createSow(c.get("deps").sql, principal, input, auditContext(c));
      if (!isPartial(c)) return c.redirect(`/projects/${projectId}/documents`, 303);
      return await renderDocuments(c, principal, projectId, { notice: { kind: "ok", text: `Added “${sow.name}”.` } });
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      const form = { values, ...formErrors(error) };
      return renderDocuments(c, principal, projectId, { form }, refusedStatus(c, error.status));
    }
  });

  app.get("/sows/:id/edit", async (c) => {
    const principal = requireUserPage(c);
    const sow = await getSow(c.get("deps").sql, principal, idParam(c, "Statement of work not found"));
    authorize(principal, "sows", "write");
    if (isPartial(c)) return html(c, <SowForm projectId={sow.project_id} sow={sow} />, 200, { fragment: true });
    return renderDocuments(c, principal, sow.project_id, { form: { sow } });
  });

  app.post("/sows/:id", async (c) => {
    const principal = requireUserPage(c);
    const { sql } = c.get("deps");
    const sow = await getSow(sql, principal, idParam(c, "Statement of work not found"));
    const values = formValues(await formFields(c));
    try {
      // Emptying an optional field clears it; the name cannot be emptied.
      const input = parseForm(UpdateSowSchema, {
        ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === "" ? null : v])),
        name: values.name,
        status: values.status || undefined,
      });
      const saved = await updateSow(sql, principal, sow.id, input, auditContext(c));
      if (!isPartial(c)) return c.redirect(`/projects/${sow.project_id}/documents`, 303);
      return await renderDocuments(c, principal, sow.project_id, {
        notice: { kind: "ok", text: `Saved “${saved.name}”.` },
      });
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      const form = { sow, values, ...formErrors(error) };
      return renderDocuments(c, principal, sow.project_id, { form }, refusedStatus(c, error.status));
    }
  });

  app.post("/sows/:id/delete", async (c) => {
    const principal = requireUserPage(c);
    const { sql } = c.get("deps");
    const sow = await getSow(sql, principal, idParam(c, "Statement of work not found"));
    try {
      await deleteSow(sql, principal, sow.id, auditContext(c));
      if (!isPartial(c)) return c.redirect(`/projects/${sow.project_id}/documents`, 303);
      return await renderDocuments(c, principal, sow.project_id, {
        notice: { kind: "ok", text: `Deleted “${sow.name}”.` },
      });
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      const notice = { kind: "error" as const, text: error.message };
      return renderDocuments(c, principal, sow.project_id, { notice }, refusedStatus(c, error.status));
    }
  });

  return app;
}
