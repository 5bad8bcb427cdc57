/** Incidents and maintenance on status pages over the API, and "open an incident from this alert". */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  createIncident,
  getIncidentWithUpdates,
  incidentJson,
  listIncidents,
  openIncidentFromAlert,
  updateIncident,
} from "../../../services/status_pages/incidents.ts";
import {
  FromAlertSchema,
  IncidentCreateSchema,
  IncidentSchema,
  IncidentUpdateSchema,
} from "../../../services/status_pages/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, jsonAnswer, jsonBody, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAG = ["Incidents"];
const PATH = "/api/v1/incidents";
const forbidden = { 403: problem("Your role may read incidents but not change them") };

const list = createRoute({
  method: "get",
  path: PATH,
  operationId: "listIncidents",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Incidents and maintenance of the pages the caller may see, newest first (200 at most)",
  request: { query: z.object({ page_id: z.uuid().optional() }) },
  responses: { 200: jsonAnswer("The incidents", z.object({ data: z.array(IncidentSchema) })), ...notFoundResponse },
});
const get = createRoute({
  method: "get",
  path: `${PATH}/{id}`,
  operationId: "getIncident",
  security: SIGNED_IN,
  tags: TAG,
  summary: "One incident with its timeline",
  request: { params: IdParam },
  responses: { 200: jsonAnswer("The incident", IncidentSchema), ...notFoundResponse },
});
const create = createRoute({
  method: "post",
  path: PATH,
  operationId: "createIncident",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Open an incident, or announce maintenance (kind maintenance with scheduled_for/until)",
  description: "Needs `incidents:write`. Emits `incident.created`, writes an audit row and queues a message for " +
    "each confirmed subscriber. Everything in it is public.",
  request: { body: jsonBody(IncidentCreateSchema) },
  responses: { 201: jsonAnswer("Opened", IncidentSchema), ...forbidden, ...notFoundResponse },
});
const post = createRoute({
  method: "post",
  path: `${PATH}/{id}/updates`,
  operationId: "postIncidentUpdate",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Post an update: investigating → identified → monitoring → resolved (maintenance: in_progress, completed)",
  description: "Emits `incident.updated`, or `incident.resolved` when it closes the incident.",
  request: { params: IdParam, body: jsonBody(IncidentUpdateSchema) },
  responses: { 200: jsonAnswer("The incident after it", IncidentSchema), ...forbidden, ...notFoundResponse },
});
const fromAlert = createRoute({
  method: "post",
  path: "/api/v1/alerts/{id}/incident",
  operationId: "openIncidentFromAlert",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Open an incident from an alert in one click",
  description: "On every page (or only `page_id`) with a component showing the alert's check. The public text names " +
    "the components only, never the check or the alert's summary. At most one incident per alert and page.",
  request: { params: IdParam, body: jsonBody(FromAlertSchema) },
  responses: {
    201: jsonAnswer("The incidents opened", z.object({ data: z.array(IncidentSchema) })),
    ...forbidden,
    ...notFoundResponse,
  },
});

export function incidentsApi() {
  const app = new OpenAPIHono<AppEnv>();
  for (const p of [PATH, `${PATH}/*`, "/api/v1/alerts/:id/incident"]) app.use(p, signedIn);
  app.openapi(list, async (c) => {
    const r = await listIncidents(c.get("deps").sql, requirePrincipal(c), c.req.valid("query").page_id);
    return c.json({ data: r.incidents.map((i) => incidentJson(i, r.updates)) }, 200);
  });
  app.openapi(get, async (c) => {
    const r = await getIncidentWithUpdates(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(incidentJson(r.incident, r.updates), 200);
  });
  app.openapi(create, async (c) => {
    const { sql } = c.get("deps");
    const principal = requirePrincipal(c);
    const row = await createIncident(sql, principal, c.req.valid("json"), auditContext(c));
    const r = await getIncidentWithUpdates(sql, principal, row.id);
    return c.json(incidentJson(r.incident, r.updates), 201, locationOf(c, row.id));
  });
  app.openapi(post, async (c) => {
    const { sql } = c.get("deps");
    const principal = requirePrincipal(c);
    const id = c.req.valid("param").id;
    await updateIncident(sql, principal, id, c.req.valid("json"), auditContext(c));
    const r = await getIncidentWithUpdates(sql, principal, id);
    return c.json(incidentJson(r.incident, r.updates), 200);
  });
  app.openapi(fromAlert, async (c) => {
    const { sql } = c.get("deps");
    const principal = requirePrincipal(c);
    const opened = await openIncidentFromAlert(
      sql,
      principal,
      c.req.valid("param").id,
      c.req.valid("json").page_id,
      auditContext(c),
    );
    return c.json({ data: opened.map((i) => incidentJson(i)) }, 201);
  });
  return app;
}
