/**
 * Health checks in the browser: the live status board (/checks), a check's
 * page, the create/edit form and the action buttons. The form posts text
 * fields that services/checks/form_input.ts turns into the API's JSON body,
 * so the API's schema and rules judge both.
 */
import { type Context, Hono } from "hono";
import type { CheckType } from "../../db/queries/health_checks.ts";
import { checkFormChoices } from "../../services/checks/choices.ts";
import { environmentNamesFor, projectChoicesFor } from "../../services/projects/choices.ts";
import { can, type Principal } from "../../services/auth/permissions.ts";
import {
  boardChanges,
  boardCursor,
  type BoardData,
  boardData,
  type BoardFilters,
  readBoardCursor,
} from "../../services/checks/board.ts";
import { formToInput, formValues, newFormValues } from "../../services/checks/form_input.ts";
import {
  changeSchedule,
  createHealthCheck,
  deleteHealthCheck,
  getCheck,
  rotatePingToken,
  updateHealthCheck,
} from "../../services/checks/health_checks.ts";
import { BOARD_STATUSES, CreateHealthCheckSchema, UpdateHealthCheckSchema } from "../../services/checks/schemas.ts";
import { notifyForm } from "../../services/checks/notify.ts";
import { bulkChecks, BulkChecksSchema } from "../../services/checks/bulk.ts";
import { gapsOf } from "../../services/notifications/coverage.ts";
import { checkLiveData, checkPageData, RANGE_STEPS, resultsPage } from "../../services/checks/view_model.ts";
import type { AppError } from "../../services/platform/errors.ts";
import { isUuid } from "../../services/platform/ids.ts";
import { ResultRows } from "../../views/checks/_results.tsx";
import { BoardChangesFragment, CheckBoard } from "../../views/checks/board.tsx";
import { BoardPage } from "../../views/checks/board_page.tsx";
import { CheckFormPage, type CheckFormValues } from "../../views/checks/check_form.tsx";
import { CheckPage } from "../../views/checks/check_page.tsx";
import { CheckLive } from "../../views/checks/_check_live.tsx";
import { ProjectChecksPanel } from "../../views/checks/project_checks_panel.tsx";
import type { AppEnv } from "../deps.ts";
import { formBody, formErrors, idParam, isShownInPlace, parseForm, texts } from "../forms.ts";
import { auditContext } from "../middleware/auth.ts";
import { selfOrigin } from "../middleware/csrf.ts";
import { html, isPartial, requireUserPage } from "../render.ts";
import { keepShownOnce, takeShownOnce } from "./shown_once.ts";

/** The board's filters and page from the query; a hand-edited bad value is dropped rather than an error page. */
function boardFilters(c: Context<AppEnv>): BoardFilters {
  const q = c.req.query();
  const filters: BoardFilters = {};
  if (q.project_id && isUuid(q.project_id)) filters.project_id = q.project_id;
  if (q.environment && q.environment.length <= 100) filters.environment = q.environment;
  if ((BOARD_STATUSES as readonly string[]).includes(q.status ?? "")) {
    filters.status = q.status as BoardFilters["status"];
  }
  const after = readBoardCursor(q.after);
  const before = after ? undefined : readBoardCursor(q.before);
  if (after) filters.after = after;
  if (before) filters.before = before;
  return filters;
}

/** The board's address: its filters, then the page's cursor, all in the URL. */
function boardUrl(filters: BoardFilters, page?: ["after" | "before", string]) {
  const params = new URLSearchParams();
  if (filters.project_id) params.set("project_id", filters.project_id);
  if (filters.environment) params.set("environment", filters.environment);
  if (filters.status) params.set("status", filters.status);
  if (page) params.set(...page);
  else if (filters.after) params.set("after", boardCursor(filters.after));
  else if (filters.before) params.set("before", boardCursor(filters.before));
  const search = params.toString();
  return search ? `/checks?${search}` : "/checks";
}

function boardProps(c: Context<AppEnv>, principal: Principal, filters: BoardFilters, data: BoardData) {
  return {
    ...data,
    selfUrl: boardUrl(filters),
    prevUrl: data.prev ? boardUrl(filters, ["before", data.prev]) : null,
    nextUrl: data.next ? boardUrl(filters, ["after", data.next]) : null,
    filtered: Boolean(filters.project_id || filters.environment || filters.status),
    canWrite: can(principal, "health_checks", "write"),
    selectable: can(principal, "health_checks", "write"),
    now: c.get("deps").now(),
  };
}

/** A field error like `headers.X-A` or `expected_status.0` belongs under its form field. */
function formFieldErrors(error: AppError) {
  const { errors, error: message } = formErrors(error);
  const byField: Record<string, string> = {};
  for (const [path, text] of Object.entries(errors)) {
    const [field, ...rest] = path.split(".");
    byField[field || "name"] ??= rest.length ? `${rest.join(".")}: ${text}` : text;
  }
  return { errors: byField, error: message };
}

/** The form's text fields, and the Notify channels when the form had the Notify fieldset. */
async function checkForm(c: Context<AppEnv>): Promise<{ form: Record<string, string>; notify?: string[] }> {
  const body = await formBody(c);
  const form = Object.fromEntries(
    Object.entries(body).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  return { form, notify: body.notify_present ? texts(body.notify_channel_ids) : undefined };
}

async function renderForm(
  c: Context<AppEnv>,
  principal: Principal,
  checkId: string | null,
  values: CheckFormValues,
  refusal?: AppError,
  /** The channels ticked in a refused form, shown ticked again. */
  ticked?: string[],
) {
  const { sql } = c.get("deps");
  const { projects, parents, environments } = await checkFormChoices(sql, principal);
  const notify = await notifyForm(sql, principal, checkId);
  if (ticked) notify.selected = ticked;
  const shown = refusal ? formFieldErrors(refusal) : {};
  return html(
    c,
    <CheckFormPage
      checkId={checkId}
      values={values}
      projects={projects}
      parents={parents}
      environments={environments}
      notify={notify}
      {...shown}
    />,
    refusal?.status ?? 200,
  );
}

async function renderCheckPage(
  c: Context<AppEnv>,
  principal: Principal,
  id: string,
  extra: { pingUrl?: string; error?: string } = {},
  status = 200,
) {
  const { sql, now } = c.get("deps");
  const range = c.req.query("range") ?? "24h";
  const shownRange = range in RANGE_STEPS ? range : "24h";
  const data = await checkPageData(sql, principal, id, shownRange, now(), c.req.query("cursor") || undefined);
  const gap = (await gapsOf(sql, principal, [id])).get(id);
  const next = data.results.next_cursor;
  const moreUrl = next ? `/checks/${id}/results?cursor=${next}` : null;
  const pageUrl = next ? `/checks/${id}?range=${shownRange}&cursor=${next}` : null;
  return html(
    c,
    <CheckPage
      {...data}
      range={shownRange}
      results={{ data: data.results.data, moreUrl, pageUrl }}
      canWrite={can(principal, "health_checks", "write")}
      canDelete={can(principal, "health_checks", "delete")}
      origin={selfOrigin(c)}
      gap={gap}
      now={now()}
      {...extra}
    />,
    status,
  );
}

export function checkPages() {
  const app = new Hono<AppEnv>();

  app.get("/checks", async (c) => {
    const principal = requireUserPage(c);
    const { sql, now } = c.get("deps");
    const filters = boardFilters(c);
    const version = c.req.query("v");
    if (isPartial(c) && version) {
      // The board's poll: only what changed since the version it holds.
      const changes = await boardChanges(sql, principal, filters, now(), version);
      if (changes.kind === "rows") {
        return html(
          c,
          <BoardChangesFragment changes={changes} now={now()} selectable={can(principal, "health_checks", "write")} />,
          200,
          { fragment: true },
        );
      }
      c.header("HX-Retarget", "#check-board");
      c.header("HX-Reswap", "outerHTML");
      return html(c, <CheckBoard {...boardProps(c, principal, filters, changes.data)} />, 200, { fragment: true });
    }
    const data = await boardData(sql, principal, filters, now());
    const board = boardProps(c, principal, filters, data);
    if (isPartial(c)) return html(c, <CheckBoard {...board} />, 200, { fragment: true });
    const projects = await projectChoicesFor(sql, principal);
    const environments = await environmentNamesFor(sql, principal, projects.map((p) => p.id));
    // On the page, not in the 5-s poll: the wiring changes on other pages, never between two polls.
    const shown = data.groups.flatMap((g) => g.rows.map((r) => r.check));
    const gaps = await gapsOf(sql, principal, shown.map((ch) => ch.id));
    const gapList = shown.filter((ch) => gaps.has(ch.id)).map((ch) => ({
      id: ch.id,
      name: ch.name,
      gap: gaps.get(ch.id)!,
    }));
    const q = c.req.query();
    const bulk = q.bulk ? { action: q.bulk, done: Number(q.done) || 0, refused: Number(q.refused) || 0 } : undefined;
    return html(
      c,
      <BoardPage
        board={board}
        filters={filters}
        projects={projects}
        environments={environments}
        gaps={gapList}
        bulk={bulk}
      />,
    );
  });

  app.post("/checks/bulk", async (c) => {
    const principal = requireUserPage(c);
    const body = await formBody(c);
    if (texts(body.ids).length === 0) return c.redirect("/checks?bulk=none", 303);
    const input = parseForm(BulkChecksSchema, { action: body.action, ids: texts(body.ids) });
    const { results } = await bulkChecks(c.get("deps").sql, principal, input, auditContext(c));
    const done = results.filter((r) => r.ok).length;
    return c.redirect(`/checks?bulk=${input.action}&done=${done}&refused=${results.length - done}`, 303);
  });

  app.get("/checks/new", (c) => {
    const principal = requireUserPage(c);
    const projectId = c.req.query("project_id");
    return renderForm(c, principal, null, newFormValues(projectId && isUuid(projectId) ? projectId : undefined));
  });

  app.post("/checks", async (c) => {
    const principal = requireUserPage(c);
    const { form, notify } = await checkForm(c);
    const type = (["http", "tcp", "heartbeat"].includes(form.type) ? form.type : "http") as CheckType;
    try {
      const input = parseForm(CreateHealthCheckSchema, {
        type,
        ...formToInput(form, type, "create"),
        notify_channel_ids: notify,
      });
      const { sql, config } = c.get("deps");
      const created = await createHealthCheck(sql, principal, config, input, auditContext(c), {
        origin: selfOrigin(c),
      });
      const path = `/checks/${created.check.id}`;
      if (created.pingUrl) keepShownOnce(c, path, created.pingUrl);
      return c.redirect(path, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderForm(c, principal, null, form, error, notify);
    }
  });

  app.get("/checks/:id", (c) => {
    const id = idParam(c, "Health check not found");
    const pingUrl = takeShownOnce(c, `/checks/${id}`);
    return renderCheckPage(c, requireUserPage(c), id, pingUrl ? { pingUrl } : {});
  });

  app.get("/checks/:id/live", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "Health check not found");
    const { sql, now } = c.get("deps");
    const [data, gaps] = await Promise.all([checkLiveData(sql, principal, id, now()), gapsOf(sql, principal, [id])]);
    return html(
      c,
      <CheckLive
        {...data}
        gap={gaps.get(id)}
        canWrite={can(principal, "health_checks", "write")}
        canDelete={can(principal, "health_checks", "delete")}
        now={now()}
      />,
      200,
      { fragment: true },
    );
  });

  app.get("/checks/:id/results", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "Health check not found");
    const cursor = c.req.query("cursor") ?? "";
    const page = await resultsPage(c.get("deps").sql, principal, id, cursor);
    const next = page.next_cursor;
    const moreUrl = next ? `/checks/${id}/results?cursor=${next}` : null;
    return html(
      c,
      <ResultRows results={page.data} moreUrl={moreUrl} pageUrl={next ? `/checks/${id}?cursor=${next}` : null} />,
      200,
      {
        fragment: true,
      },
    );
  });

  app.get("/checks/:id/edit", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "Health check not found");
    const { check } = await getCheck(c.get("deps").sql, principal, id, c.get("deps").now());
    return renderForm(c, principal, id, formValues(check));
  });

  app.post("/checks/:id", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "Health check not found");
    const { sql, config, now } = c.get("deps");
    const { check } = await getCheck(sql, principal, id, now());
    const { form, notify } = await checkForm(c);
    try {
      const input = parseForm(UpdateHealthCheckSchema, {
        ...formToInput(form, check.type, "edit"),
        notify_channel_ids: notify,
      });
      await updateHealthCheck(sql, principal, config, id, input, auditContext(c));
      return c.redirect(`/checks/${id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderForm(c, principal, id, { ...form, type: check.type }, error, notify);
    }
  });

  for (const action of ["pause", "resume", "run"] as const) {
    app.post(`/checks/:id/${action}`, async (c) => {
      const principal = requireUserPage(c);
      const id = idParam(c, "Health check not found");
      try {
        await changeSchedule(c.get("deps").sql, principal, id, action, auditContext(c));
        return c.redirect(`/checks/${id}`, 303);
      } catch (error) {
        if (!isShownInPlace(error)) throw error;
        return renderCheckPage(c, principal, id, { error: error.message }, error.status);
      }
    });
  }

  app.post("/checks/:id/rotate-token", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "Health check not found");
    try {
      const rotated = await rotatePingToken(c.get("deps").sql, principal, id, auditContext(c), {
        origin: selfOrigin(c),
      });
      keepShownOnce(c, `/checks/${id}`, rotated.pingUrl!);
      return c.redirect(`/checks/${id}`, 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderCheckPage(c, principal, id, { error: error.message }, error.status);
    }
  });

  app.post("/checks/:id/delete", async (c) => {
    const principal = requireUserPage(c);
    const id = idParam(c, "Health check not found");
    try {
      await deleteHealthCheck(c.get("deps").sql, principal, id, auditContext(c));
      return c.redirect("/checks", 303);
    } catch (error) {
      if (!isShownInPlace(error)) throw error;
      return renderCheckPage(c, principal, id, { error: error.message }, error.status);
    }
  });

  return app;
}

/** The project hub's Health tab: that project's part of the board (polling like the board). */
export async function projectChecksPanel(c: Context<AppEnv>, principal: Principal, projectId: string) {
  const { sql, now } = c.get("deps");
  // Its pager and poll lead to the board itself, filtered to the project.
  const filters: BoardFilters = { project_id: projectId };
  const data = await boardData(sql, principal, filters, now());
  return (
    <ProjectChecksPanel projectId={projectId} board={{ ...boardProps(c, principal, filters, data), filtered: false }} />
  );
}
