/** SOW and change request tests: calling the API as a persona, and reading what a change left behind. */
import type { Sql } from "../../db/client.ts";
import { jsonRequest } from "./http.ts";

type App = { request(path: string, init?: RequestInit): Response | Promise<Response> };

/** A JSON call as `headers` (a persona's bearer or cookie headers); `body` undefined sends none. */
export function call(app: App, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  return app.request(path, body === undefined ? { method, headers } : jsonRequest(method, body, headers));
}

/** A page as a browser asks for it; `htmx` asks for the fragment, as the hub's tabs and swaps do. */
export function page(app: App, path: string, headers: Record<string, string>, htmx = false) {
  return app.request(path, { headers: { Accept: "text/html", ...(htmx ? { "HX-Request": "true" } : {}), ...headers } });
}

/** A form post as a browser sends it (cookie headers carry the CSRF token). */
export function postForm(
  app: App,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string>,
  htmx = false,
) {
  return app.request(path, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "text/html",
      ...(htmx ? { "HX-Request": "true" } : {}),
      ...headers,
    },
    body: new URLSearchParams(fields),
  });
}

/** Creates through the API and returns the JSON answer; fails the test on anything but 201. */
export async function created(
  app: App,
  path: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<Record<string, unknown> & { id: string }> {
  const res = await call(app, "POST", path, headers, body);
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return await res.json();
}

/** The audit actions recorded for one resource, oldest first. */
export async function auditActions(sql: Sql, resourceId: string): Promise<string[]> {
  const rows = await sql<{ action: string }[]>`
    SELECT action FROM audits WHERE resource_id = ${resourceId} ORDER BY tenant_id, seq`;
  return rows.map((r) => r.action);
}

export interface EventRow {
  tenant_id: string;
  type: string;
  project_id: string | null;
  payload: Record<string, unknown>;
}

/** The events about one subject, oldest first. */
export async function eventsAbout(sql: Sql, subjectId: string): Promise<EventRow[]> {
  return await sql<EventRow[]>`
    SELECT tenant_id, type, project_id, payload FROM events WHERE subject_id = ${subjectId} ORDER BY created_at, id`;
}
