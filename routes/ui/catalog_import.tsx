/** The CSV import page: paste or upload, preview (a dry run), then import everything or nothing. */
import { Hono } from "hono";
import { authorize } from "../../services/auth/permissions.ts";
import { importCatalog } from "../../services/catalog_import/import.ts";
import { ImportPage } from "../../views/catalog_import/import_page.tsx";
import type { AppEnv } from "../deps.ts";
import { isShownInPlace } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, requireUserPage } from "../render.ts";

export function catalogImportPages() {
  const app = new Hono<AppEnv>();

  app.get("/clients/import", (c) => {
    const principal = requireUserPage(c);
    authorize(principal, "clients", "write");
    const clients = Number(c.req.query("clients"));
    const projects = Number(c.req.query("projects"));
    const imported = Number.isInteger(clients) && Number.isInteger(projects) && c.req.query("clients") !== undefined
      ? { clients, projects }
      : undefined;
    return html(c, <ImportPage imported={imported} />);
  });

  app.post("/clients/import", async (c) => {
    const principal = requireUserPage(c);
    const body = await c.req.parseBody();
    // An uploaded file wins over the text box; either way the text comes back in the box for the next step.
    const csv = body.file instanceof File && body.file.size > 0
      ? await body.file.text()
      : typeof body.csv === "string"
      ? body.csv
      : "";
    const { sql } = c.get("deps");
    const ctx = auditContext(c);
    try {
      const preview = await importCatalog(sql, principal, csv, { dryRun: true }, ctx);
      if (body.action !== "import" || preview.plan.errors.length) {
        return html(c, <ImportPage csv={csv} plan={preview.plan} />, preview.plan.errors.length ? 422 : 200);
      }
      const { created } = await importCatalog(sql, principal, csv, { dryRun: false }, ctx);
      return c.redirect(`/clients/import?clients=${created!.clients.length}&projects=${created!.projects.length}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return html(c, <ImportPage csv={csv} error={error.message} />, error.status);
    }
  });
  return app;
}
