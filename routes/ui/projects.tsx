/**
 * The projects pages: the list (search, filters, sort and paging by htmx,
 * a GET form without JavaScript), the create and edit forms (the API's zod
 * schemas, errors inline), archive and restore, and the confirmation page
 * before a permanent delete.
 */
import { type Context, Hono } from "hono";
import { clientChoicesFor } from "../../services/clients/choices.ts";
import { projectTagsFor } from "../../services/projects/choices.ts";
import { authorize, can, type Principal } from "../../services/auth/permissions.ts";
import { deleteProject, projectDeletePreview } from "../../services/projects/delete.ts";
import { createProject, getProjectFor, listProjects, updateProject } from "../../services/projects/projects.ts";
import {
  CreateProjectSchema,
  ListProjectsQuerySchema,
  type ProjectWithEnvironments,
  UpdateProjectSchema,
} from "../../services/projects/schemas.ts";
import { EnvironmentRow, type ProjectFormValues } from "../../views/projects/_project_form.tsx";
import { ProjectRows } from "../../views/projects/_project_rows.tsx";
import { ProjectDeletePage } from "../../views/projects/project_delete_page.tsx";
import { ProjectFormPage, type ProjectFormPageProps } from "../../views/projects/project_form_page.tsx";
import { ProjectsPage } from "../../views/projects/projects_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formBody, formErrors, idParam, isShownInPlace, parseForm, text, texts } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

type Form = Awaited<ReturnType<typeof formBody>>;

/** An empty query parameter (an untouched filter) is an absent one. */
function listQuery(c: Context<AppEnv>) {
  const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ""));
  const parsed = ListProjectsQuerySchema.safeParse(raw);
  if (parsed.success) return { query: parsed.data, error: undefined };
  return { query: ListProjectsQuerySchema.parse({}), error: "Some filters could not be read and were reset." };
}

/** The list's own query string (no cursor), kept by "more" links. */
function queryString(q: ReturnType<typeof listQuery>["query"]): string {
  const params = new URLSearchParams();
  if (q.q) params.set("q", q.q);
  if (q.client_id) params.set("client_id", q.client_id);
  if (q.tag) params.set("tag", q.tag);
  if (q.archived) params.set("archived", "true");
  if (q.sort !== "name") params.set("sort", q.sort);
  return params.toString();
}

/** Clients a viewer may file a project under, or filter by (a client user: their own). */
function clientChoices(c: Context<AppEnv>, principal: Principal) {
  return clientChoicesFor(c.get("deps").sql, principal);
}

async function renderList(c: Context<AppEnv>, principal: Principal) {
  const { query, error } = listQuery(c);
  const page = await listProjects(c.get("deps").sql, principal, query).catch((e) => {
    if (!isShownInPlace(e)) throw e;
    return listProjects(c.get("deps").sql, principal, { ...query, cursor: undefined });
  });
  const rows = {
    projects: page.data,
    nextCursor: page.next_cursor,
    query: queryString(query),
    filtered: Boolean(query.q || query.client_id || query.tag || query.archived),
  };
  if (isPartial(c)) return html(c, <ProjectRows {...rows} />, 200, { fragment: true });
  const clients = await clientChoices(c, principal);
  return html(
    c,
    <ProjectsPage
      {...rows}
      filters={query}
      clients={clients}
      canWrite={can(principal, "projects", "write")}
      error={error}
    />,
  );
}

/** Form fields → the API's JSON shape: blank optional fields absent, tags split, empty environment rows dropped. */
function projectInput(form: Form, editing: boolean) {
  const blank = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v);
  const names = texts(form.env_name);
  const urls = texts(form.env_url);
  const environments = names.map((name, i) => ({ name, url: urls[i] ?? "" }))
    .filter((e) => e.name.trim() !== "" || e.url.trim() !== "")
    .map((e) => ({ name: e.name, url: blank(e.url) ?? null }));
  const tags = (text(form.tags) ?? "").split(/[,;]/).map((t) => t.trim()).filter(Boolean);
  const clear = editing ? null : undefined;
  return {
    client_id: text(form.client_id) ?? "",
    name: text(form.name) ?? "",
    // Left empty on a new project: made from the name (services/projects/slug.ts).
    slug: editing ? text(form.slug) ?? "" : blank(text(form.slug)),
    description: blank(text(form.description)) ?? clear,
    repository_url: blank(text(form.repository_url)) ?? clear,
    tags,
    environments,
  };
}

/** What the form shows after a submission: what was typed, with the dropped empty environment rows gone. */
function submittedValues(input: ReturnType<typeof projectInput>, form: Form): ProjectFormValues {
  return {
    client_id: input.client_id,
    name: input.name,
    slug: input.slug,
    description: text(form.description),
    repository_url: text(form.repository_url),
    tags: text(form.tags),
    environments: input.environments.map((e) => ({ name: e.name, url: e.url ?? "" })),
  };
}

function projectValues(p: ProjectWithEnvironments): ProjectFormValues {
  return {
    client_id: p.client_id,
    name: p.name,
    slug: p.slug,
    description: p.description ?? "",
    repository_url: p.repository_url ?? "",
    tags: p.tags.join(", "),
    environments: p.environments.map((e) => ({ name: e.name, url: e.url ?? "" })),
  };
}

const NEW_ENVIRONMENTS = [{ name: "production", url: "" }];

async function renderForm(
  c: Context<AppEnv>,
  principal: Principal,
  props: Omit<ProjectFormPageProps, "clients">,
  status = 200,
) {
  return html(c, <ProjectFormPage {...props} clients={await clientChoices(c, principal)} />, status);
}

/** Create (no id) or update: the schema refuses, the service decides; the form comes back with what was typed. */
async function saveForm(c: Context<AppEnv>, principal: Principal, id?: string) {
  const form = await formBody(c);
  const input = projectInput(form, id !== undefined);
  const values = submittedValues(input, form);
  const project = id ? await getProjectFor(c.get("deps").sql, principal, id) : undefined;
  if (text(form._add_environment)) {
    values.environments.push({ name: "", url: "" });
    return renderForm(c, principal, { project, values });
  }
  try {
    const sql = c.get("deps").sql;
    const saved = id
      ? await updateProject(sql, principal, id, parseForm(UpdateProjectSchema, input), auditContext(c))
      : await createProject(sql, principal, parseForm(CreateProjectSchema, input), auditContext(c));
    return c.redirect(`/projects/${saved.id}`, 303);
  } catch (error) {
    if (!isShownInPlace(error)) throw error;
    return renderForm(c, principal, { project, values, ...formErrors(error) }, error.status);
  }
}

async function archiveAction(c: Context<AppEnv>, archived: boolean) {
  const principal = requireUserPage(c);
  const id = idParam(c, "Project not found");
  await updateProject(c.get("deps").sql, principal, id, { archived }, auditContext(c));
  return c.redirect(`/projects/${id}`, 303);
}

export function projectPages() {
  const app = new Hono<AppEnv>();

  app.get("/projects", (c) => renderList(c, requireUserPage(c)));

  app.get("/projects/new", (c) => {
    const principal = requireUserPage(c);
    authorize(principal, "projects", "write");
    const clientId = c.req.query("client_id");
    return renderForm(c, principal, { values: { client_id: clientId, environments: NEW_ENVIRONMENTS } });
  });

  app.post("/projects", (c) => saveForm(c, requireUserPage(c)));

  /** The tag filter's suggestions, most used first (a datalist's options, loaded by htmx). */
  app.get("/projects/tags", async (c) => {
    const principal = requireUserPage(c);
    authorize(principal, "projects", "read");
    const tags = await projectTagsFor(c.get("deps").sql, principal);
    return html(c, <>{tags.map((t) => <option key={t} value={t} />)}</>, 200, { fragment: true });
  });

  /** A blank environment row for the form (htmx "Add environment"; "Remove" swaps its row out with it). */
  app.get("/projects/environments/row", (c) => {
    requireUserPage(c);
    return html(c, <EnvironmentRow index={-1} env={{ name: "", url: "" }} />, 200, { fragment: true });
  });

  app.get("/projects/:id/edit", async (c) => {
    const principal = requireUserPage(c);
    const project = await getProjectFor(c.get("deps").sql, principal, idParam(c, "Project not found"));
    authorize(principal, "projects", "write");
    return renderForm(c, principal, { project, values: projectValues(project) });
  });

  app.post("/projects/:id", (c) => saveForm(c, requireUserPage(c), idParam(c, "Project not found")));
  app.post("/projects/:id/archive", (c) => archiveAction(c, true));
  app.post("/projects/:id/restore", (c) => archiveAction(c, false));

  app.get("/projects/:id/delete", async (c) => {
    const principal = requireUserPage(c);
    const preview = await projectDeletePreview(c.get("deps").sql, principal, idParam(c, "Project not found"));
    return html(c, <ProjectDeletePage {...preview} />);
  });

  app.post("/projects/:id/delete", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "Project not found");
    const { sql } = c.get("deps");
    try {
      await deleteProject(sql, principal, id, auditContext(c));
      return c.redirect("/projects", 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return html(c, <ProjectDeletePage {...await projectDeletePreview(sql, principal, id)} />, error.status);
    }
  });
  return app;
}
