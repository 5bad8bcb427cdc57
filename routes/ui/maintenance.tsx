/**
 * /maintenance: windows running now, coming up and recently over; a create
 * form (one-off or recurring, with a preview of the next occurrences in the
 * chosen timezone) and "End now" on each running window via htmx.
 */
import { type Context, Hono } from "hono";
import type { Principal } from "../../services/auth/permissions.ts";
import { AppError } from "../../services/platform/errors.ts";
import { windowJson } from "../../services/maintenance/build.ts";
import { formToInput, maintenanceView, preview, type WindowForm } from "../../services/maintenance/form.ts";
import { CreateWindowSchema } from "../../services/maintenance/schemas.ts";
import { createWindow, endWindow, getWindow } from "../../services/maintenance/windows.ts";
import { WindowRow } from "../../views/maintenance/_window_row.tsx";
import { MaintenancePage, type MaintenancePageProps, PreviewBlock } from "../../views/maintenance/maintenance_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formErrors, formFields, idParam, isShownInPlace, parseForm } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

async function renderPage(
  c: Context<AppEnv>,
  principal: Principal,
  extra: Partial<MaintenancePageProps> & { form: WindowForm },
  status = 200,
) {
  const { sql, now } = c.get("deps");
  const view = await maintenanceView(sql, principal, now());
  return html(c, <MaintenancePage view={view} preview={null} {...extra} />, status);
}

export function maintenancePages() {
  const app = new Hono<AppEnv>();

  app.get("/maintenance", (c) => {
    const principal = requireUserPage(c);
    const query = c.req.query();
    // "Preview occurrences" without JavaScript submits the form here with GET.
    const form = query.preview ? query : { kind: "one_off", timezone: "UTC" };
    const shown = query.preview && form.kind === "recurring" ? preview(form, c.get("deps").now()) : null;
    return renderPage(c, principal, { form, preview: shown, created: query.created === "1" });
  });

  app.get("/maintenance/preview", (c) => {
    requireUserPage(c);
    return html(c, <PreviewBlock preview={preview(c.req.query(), c.get("deps").now())} />, 200, { fragment: true });
  });

  app.post("/maintenance", async (c) => {
    const principal = requireUserPage(c);
    const form = await formFields(c);
    try {
      const input = parseForm(CreateWindowSchema, formToInput(form));
      await createWindow(c.get("deps").sql, principal, input, auditContext(c));
      return c.redirect("/maintenance?created=1", 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      const shown = form.kind === "recurring" ? preview(form, c.get("deps").now()) : null;
      return renderPage(c, principal, { form, preview: shown, ...formErrors(error) }, error.status);
    }
  });

  app.post("/maintenance/:id/end", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "Maintenance window not found");
    const { sql, now } = c.get("deps");
    let error: AppError | undefined;
    try {
      await endWindow(sql, principal, id, auditContext(c));
    } catch (e) {
      if (!isShownInPlace(e)) throw e;
      error = e;
    }
    if (!isPartial(c)) {
      if (!error) return c.redirect("/maintenance", 303);
      return renderPage(c, principal, { form: { kind: "one_off" }, error: error.message }, error.status);
    }
    const w = windowJson(await getWindow(sql, principal, id), now());
    const view = await maintenanceView(sql, principal, now());
    const projectName = w.project_id
      ? view.projects.find((p) => p.id === w.project_id)?.name ?? "A project"
      : "Every project";
    // htmx swaps only 2xx answers, so a refusal comes back as the row with its message.
    return html(
      c,
      <WindowRow window={w} projectName={projectName} canWrite={view.canWrite} error={error?.message} />,
      200,
      { fragment: true },
    );
  });

  return app;
}
