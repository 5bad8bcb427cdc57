/**
 * A GitHub integration's repositories in the browser
 * (/integrations/{id}/repositories): listed live from GitHub, imported as
 * projects with the form's checkboxes, and the deployment webhook set up or
 * removed per imported repository. Refusals come back as the page with plain
 * words and their status; nothing is stored.
 */
import { type Context, Hono } from "hono";
import { can, type Principal } from "../../services/auth/permissions.ts";
import { clientChoicesFor } from "../../services/clients/choices.ts";
import { removeWebhook, setUpWebhook } from "../../services/integrations/github/hooks.ts";
import { importGithubRepositories, listGithubRepositories } from "../../services/integrations/github/repositories.ts";
import { ImportSchema } from "../../services/integrations/github/schemas.ts";
import { getIntegration } from "../../services/integrations/integrations.ts";
import { NotFoundError } from "../../services/platform/errors.ts";
import { isUuid } from "../../services/platform/ids.ts";
import { GithubRepositoriesPage } from "../../views/integrations/github_repositories_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formBody, idParam, isShownInPlace, parseForm, text, texts } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { selfOrigin } from "../middleware/csrf.ts";
import { html, requireUserPage } from "../render.ts";
import { integrationRequestDeps } from "./integrations_deps.ts";

type Notice = { kind: "ok" | "error"; text: string };
const NOT_FOUND = "Integration not found";

async function renderPage(c: Context<AppEnv>, principal: Principal, id: string, notice?: Notice, status = 200) {
  const { sql, now } = c.get("deps");
  const integration = await getIntegration(sql, principal, id);
  if (integration.platform !== "github") throw new NotFoundError(NOT_FOUND);
  let listed = null;
  let listError: string | undefined;
  try {
    listed = await listGithubRepositories(sql, principal, id, integrationRequestDeps(c), now());
  } catch (error) {
    if (!isShownInPlace(error)) throw error;
    listError = error.message;
  }
  const importer = can(principal, "settings", "manage") && can(principal, "projects", "write");
  const clients = importer ? await clientChoicesFor(sql, principal) : [];
  const page = (
    <GithubRepositoriesPage
      integration={integration}
      listed={listed}
      listError={listError}
      clients={clients}
      canManage={can(principal, "settings", "manage")}
      notice={notice}
    />
  );
  return await html(c, page, status);
}

/** A refusal's words: the fields' messages when it names fields (a taken name), else its detail. */
const words = (error: { message: string; errors?: { message: string }[] }) =>
  error.errors?.length ? error.errors.map((e) => e.message).join("; ") : error.message;

function projectParam(c: Context<AppEnv>): string {
  const id = c.req.param("project_id") ?? "";
  if (!isUuid(id)) throw new NotFoundError("Project not found");
  return id;
}

export function githubRepositoryPages() {
  const app = new Hono<AppEnv>();

  app.get("/integrations/:id/repositories", (c) => renderPage(c, requireUserPage(c), idParam(c, NOT_FOUND)));

  app.post("/integrations/:id/repositories/import", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, NOT_FOUND);
    const body = await formBody(c);
    try {
      const input = parseForm(ImportSchema, {
        client_id: text(body.client_id) ?? "",
        repositories: texts(body.repositories).map((full_name) => {
          const name = text(body[`name:${full_name}`])?.trim();
          return name ? { full_name, name } : { full_name };
        }),
      });
      const done = await importGithubRepositories(
        c.get("deps").sql,
        principal,
        id,
        input,
        integrationRequestDeps(c),
        auditContext(c),
      );
      const made = done.filter((d) => d.created).map((d) => d.project_name);
      const known = done.length - made.length;
      const message = `Imported ${made.length === 0 ? "nothing new" : made.join(", ")}` +
        (known ? ` (${known} already a project).` : ".");
      return renderPage(c, principal, id, { kind: "ok", text: message });
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderPage(c, principal, id, { kind: "error", text: words(error) }, error.status);
    }
  });

  app.post("/integrations/:id/webhooks/:project_id", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, NOT_FOUND);
    try {
      const hook = await setUpWebhook(
        c.get("deps").sql,
        principal,
        id,
        projectParam(c),
        { ...integrationRequestDeps(c), origin: selfOrigin(c) },
        auditContext(c),
      );
      const message = `Webhook set up on ${hook.full_name}: GitHub sends its deployments to ${hook.payload_url}.`;
      return renderPage(c, principal, id, { kind: "ok", text: message });
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderPage(c, principal, id, { kind: "error", text: words(error) }, error.status);
    }
  });

  app.post("/integrations/:id/webhooks/:project_id/remove", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, NOT_FOUND);
    try {
      const projectId = projectParam(c);
      await removeWebhook(c.get("deps").sql, principal, id, projectId, integrationRequestDeps(c), auditContext(c));
      return renderPage(c, principal, id, { kind: "ok", text: "Webhook removed at GitHub." });
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderPage(c, principal, id, { kind: "error", text: words(error) }, error.status);
    }
  });

  return app;
}
