/**
 * Change requests in the browser: the project hub's "Change requests" tab
 * (list, filters, filing, in-place decisions) and a request's own page with
 * its timeline. htmx answers are the panel or the row; without JavaScript,
 * posts redirect (303) back to where they came from.
 */
import { type Context, Hono } from "hono";
import type { Principal } from "../../services/auth/permissions.ts";
import { can } from "../../services/auth/permissions.ts";
import {
  canEdit,
  createChangeRequest,
  getChangeRequest,
  listChangeRequests,
  updateChangeRequest,
} from "../../services/change_requests/change_requests.ts";
import {
  CreateChangeRequestSchema,
  DecisionSchema,
  ListChangeRequestsQuerySchema,
  UpdateChangeRequestSchema,
} from "../../services/change_requests/schemas.ts";
import { changeRequestWithTimeline } from "../../services/change_requests/timeline.ts";
import { canDecide, completeChangeRequest, decideChangeRequest } from "../../services/change_requests/workflow.ts";
import { loadProjectFor } from "../../services/projects/access.ts";
import { listSows } from "../../services/sows/sows.ts";
import { type ChangeRequestValues, CR_FIELDS } from "../../views/change_requests/_cr_form.tsx";
import { ChangeRequestTableRow } from "../../views/change_requests/_cr_row.tsx";
import { ChangeRequestPage, type ChangeRequestPageProps } from "../../views/change_requests/change_request_page.tsx";
import {
  ChangeRequestsPanel,
  type ChangeRequestsPanelProps,
} from "../../views/change_requests/change_requests_panel.tsx";
import { ProjectHubPage } from "../../views/projects/project_hub_page.tsx";
import type { AppEnv } from "../deps.ts";
import { formErrors, formFields, idParam, isShownInPlace, parseForm } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { html, isPartial, requireUserPage } from "../render.ts";

const NOT_FOUND = "Change request not found";

/** The SOWs a request may be filed under, for the form's picker. */
async function sowOptions(c: Context<AppEnv>, principal: Principal, projectId: string) {
  const page = await listSows(c.get("deps").sql, principal, { project_id: projectId, limit: 200 });
  return page.data.map((s) => ({ id: s.id, name: s.name }));
}

/** htmx swaps only 2xx answers: a refusal comes back as a 200 showing why. */
const refusedStatus = (c: Context<AppEnv>, status: number) => (isPartial(c) ? 200 : status);

async function renderPanel(
  c: Context<AppEnv>,
  principal: Principal,
  projectId: string,
  extra: Partial<Pick<ChangeRequestsPanelProps, "form" | "notice">> = {},
  status = 200,
) {
  const { sql } = c.get("deps");
  const { project } = await loadProjectFor(sql, principal, projectId);
  // A bad filter from a hand-edited URL shows everything rather than an error page.
  const parsed = ListChangeRequestsQuerySchema.safeParse(c.req.query());
  const query = parsed.success ? parsed.data : { limit: 50 };
  const page = await listChangeRequests(sql, principal, { ...query, project_id: project.id });
  const sows = await sowOptions(c, principal, project.id);
  const panel = (
    <ChangeRequestsPanel
      project={project}
      changeRequests={page.data}
      status={parsed.success ? parsed.data.status : undefined}
      nextCursor={page.next_cursor}
      canFile={project.archived_at === null && can(principal, "change_requests", "write")}
      canDecide={canDecide(principal)}
      form={{ sows, ...extra.form }}
      notice={extra.notice}
    />
  );
  if (isPartial(c)) return html(c, panel, status, { fragment: true });
  return html(c, <ProjectHubPage project={project} tab="change-requests">{panel}</ProjectHubPage>, status);
}

async function renderPage(
  c: Context<AppEnv>,
  principal: Principal,
  id: string,
  extra: Partial<Pick<ChangeRequestPageProps, "form" | "notice">> = {},
  status = 200,
) {
  const { changeRequest: cr, timeline } = await changeRequestWithTimeline(c.get("deps").sql, principal, id);
  const editable = canEdit(principal, cr);
  const sows = editable ? await sowOptions(c, principal, cr.project_id) : [];
  return html(
    c,
    <ChangeRequestPage
      cr={cr}
      timeline={timeline}
      canDecide={canDecide(principal)}
      canEdit={editable}
      form={{ sows, ...extra.form }}
      notice={extra.notice}
    />,
    status,
  );
}

const formValues = (body: Record<string, string>): ChangeRequestValues =>
  Object.fromEntries(CR_FIELDS.map((f) => [f, body[f] ?? ""]));

export function changeRequestPages() {
  const app = new Hono<AppEnv>();

  app.get("/projects/:id/change-requests", (c) => renderPanel(c, requireUserPage(c), idParam(c, "Project not found")));

  app.post("/projects/:id/change-requests", async (c) => {
    const principal = requireUserPage(c);
    const projectId = idParam(c, "Project not found");
    const values = formValues(await formFields(c));
    try {
      // An optional field left empty is absent, as it would be in JSON.
      const filled = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ""));
      const input = parseForm(CreateChangeRequestSchema, { title: "", ...filled, project_id: projectId });
      const { sql, config } = c.get("deps");
      const cr = await createChangeRequest(sql, principal, input, auditContext(c), config.baseUrl);
      if (!isPartial(c)) return c.redirect(`/projects/${projectId}/change-requests`, 303);
      return await renderPanel(c, principal, projectId, {
        notice: { kind: "ok", text: `Filed “${cr.title}”: it stays pending until the team decides.` },
      });
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      const sows = await sowOptions(c, principal, projectId);
      const form = { sows, values, ...formErrors(error) };
      return renderPanel(c, principal, projectId, { form }, refusedStatus(c, error.status));
    }
  });

  app.get("/change-requests/:id", (c) => renderPage(c, requireUserPage(c), idParam(c, NOT_FOUND)));

  app.post("/change-requests/:id", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, NOT_FOUND);
    const values = formValues(await formFields(c));
    try {
      // Emptying an optional field clears it; the title cannot be emptied.
      const input = parseForm(UpdateChangeRequestSchema, {
        ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === "" ? null : v])),
        title: values.title,
        priority: values.priority || undefined,
      });
      await updateChangeRequest(c.get("deps").sql, principal, id, input, auditContext(c));
      return c.redirect(`/change-requests/${id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      // A refusal of the whole edit (decided meanwhile, not theirs) is a notice: the form may be gone.
      const { errors, error: message } = formErrors(error);
      if (message) return renderPage(c, principal, id, { notice: { kind: "error", text: message } }, error.status);
      const cr = await getChangeRequest(c.get("deps").sql, principal, id);
      const sows = await sowOptions(c, principal, cr.project_id);
      return renderPage(c, principal, id, { form: { sows, values, errors } }, error.status);
    }
  });

  /** Approve, reject, complete: the row again for htmx, the request's page otherwise. */
  const transition = (verb: "approve" | "reject" | "complete") => async (c: Context<AppEnv>) => {
    const principal = requireUserPage(c);
    const id = idParam(c, NOT_FOUND);
    const { sql } = c.get("deps");
    const body = await formFields(c);
    try {
      if (verb === "complete") await completeChangeRequest(sql, principal, id, auditContext(c));
      else {
        const input = parseForm(DecisionSchema, { comment: body.comment || undefined });
        await decideChangeRequest(
          sql,
          principal,
          id,
          verb === "approve" ? "approved" : "rejected",
          input,
          auditContext(c),
        );
      }
      if (!isPartial(c)) return c.redirect(`/change-requests/${id}`, 303);
      const cr = await getChangeRequest(sql, principal, id);
      return html(c, <ChangeRequestTableRow cr={cr} canDecide={canDecide(principal)} />, 200, { fragment: true });
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      const message = error.errors?.map((e) => `${e.path}: ${e.message}`).join("; ") ?? error.message;
      if (!isPartial(c)) {
        return renderPage(c, principal, id, { notice: { kind: "error", text: message } }, error.status);
      }
      const cr = await getChangeRequest(sql, principal, id);
      const row = <ChangeRequestTableRow cr={cr} canDecide={canDecide(principal)} error={message} />;
      return html(c, row, 200, { fragment: true });
    }
  };
  app.post("/change-requests/:id/approve", transition("approve"));
  app.post("/change-requests/:id/reject", transition("reject"));
  app.post("/change-requests/:id/complete", transition("complete"));

  return app;
}
