/** Status pages and their components over the API (the public page itself is routes/status_public.tsx). */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  addComponent,
  createStatusPage,
  deleteComponent,
  deleteStatusPage,
  getStatusPage,
  listStatusPages,
  setAutoIncidentRules,
  statusPageJson,
  updateComponent,
  updateStatusPage,
} from "../../../services/status_pages/pages.ts";
import {
  ComponentInputSchema,
  ComponentSchema,
  StatusPageInputSchema,
  StatusPageSchema,
} from "../../../services/status_pages/schemas.ts";
import { addWebhookSubscriber, listSubscribers, subscriberJson } from "../../../services/status_pages/subscriptions.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, jsonAnswer, jsonBody, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const TAG = ["Status pages"];
const PATH = "/api/v1/status-pages";
const COMPONENTS = "/api/v1/status-page-components";
const forbidden = { 403: problem("Your role may read status pages but not change them") };
const PageWithComponents = StatusPageSchema.extend({ components: z.array(ComponentSchema) })
  .openapi("StatusPageWithComponents");

const list = createRoute({
  method: "get",
  path: PATH,
  operationId: "listStatusPages",
  security: SIGNED_IN,
  tags: TAG,
  summary: "The organisation's status pages (client users: their client's)",
  responses: { 200: jsonAnswer("The pages", z.object({ data: z.array(StatusPageSchema) })), ...notFoundResponse },
});
const get = createRoute({
  method: "get",
  path: `${PATH}/{id}`,
  operationId: "getStatusPage",
  security: SIGNED_IN,
  tags: TAG,
  summary: "One status page with its components",
  request: { params: IdParam },
  responses: { 200: jsonAnswer("The page", PageWithComponents), ...notFoundResponse },
});
const create = createRoute({
  method: "post",
  path: PATH,
  operationId: "createStatusPage",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Create a status page",
  description: "Needs `status_pages:write`. The public page is `/status/{slug}` (and `https://{custom_domain}/` " +
    "when the proxy forwards that Host) once `published` is true.",
  request: { body: jsonBody(StatusPageInputSchema) },
  responses: { 201: jsonAnswer("Created", StatusPageSchema), ...forbidden, ...notFoundResponse },
});
const update = createRoute({
  method: "put",
  path: `${PATH}/{id}`,
  operationId: "updateStatusPage",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Replace a status page's settings",
  request: { params: IdParam, body: jsonBody(StatusPageInputSchema) },
  responses: { 200: jsonAnswer("Saved", StatusPageSchema), ...forbidden, ...notFoundResponse },
});
const remove = createRoute({
  method: "delete",
  path: `${PATH}/{id}`,
  operationId: "deleteStatusPage",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Delete a status page with its components, incidents and subscribers",
  description: "Needs `status_pages:delete` (admins).",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...forbidden, ...notFoundResponse },
});
const addComponentRoute = createRoute({
  method: "post",
  path: `${PATH}/{id}/components`,
  operationId: "createStatusPageComponent",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Show a check, or a group of checks, under a display name",
  description: "The public page shows the name and the combined status only; never the checks, their URLs or errors. " +
    "A client's page takes only that client's checks.",
  request: { params: IdParam, body: jsonBody(ComponentInputSchema) },
  responses: { 201: jsonAnswer("Created", ComponentSchema), ...forbidden, ...notFoundResponse },
});
const updateComponentRoute = createRoute({
  method: "put",
  path: `${COMPONENTS}/{id}`,
  operationId: "updateStatusPageComponent",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Replace a component's name, position and checks",
  request: { params: IdParam, body: jsonBody(ComponentInputSchema) },
  responses: { 200: jsonAnswer("Saved", ComponentSchema), ...forbidden, ...notFoundResponse },
});
const deleteComponentRoute = createRoute({
  method: "delete",
  path: `${COMPONENTS}/{id}`,
  operationId: "deleteStatusPageComponent",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Remove a component from its page",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...forbidden, ...notFoundResponse },
});
const AutoIncidentsSchema = z.strictObject({
  alert_rule_ids: z.array(z.uuid()).max(200).openapi({
    description: "Alerts of these rules open an incident on this page by themselves; other rules stop doing so",
  }),
}).openapi("StatusPageAutoIncidents");
const autoIncidents = createRoute({
  method: "put",
  path: `${PATH}/{id}/auto-incidents`,
  operationId: "setStatusPageAutoIncidents",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Which alert rules open incidents on this page automatically",
  request: { params: IdParam, body: jsonBody(AutoIncidentsSchema) },
  responses: {
    200: jsonAnswer("The rules now linked", z.object({ alert_rule_ids: z.array(z.uuid()) })),
    ...forbidden,
    ...notFoundResponse,
  },
});

const SubscriberSchema = z.object({
  id: z.uuid(),
  page_id: z.uuid(),
  kind: z.enum(["email", "webhook"]),
  email: z.string().nullable(),
  webhook_url: z.string().nullable(),
  confirmed: z.boolean(),
  created_at: z.string(),
}).openapi("StatusSubscriber");
const WebhookSubscriberInput = z.strictObject({
  webhook_url: z.url({ protocol: /^https?$/ }).max(2048).openapi({ example: "https://hooks.acme.example/status" }),
}).openapi("StatusWebhookSubscriberInput");
const listSubscribersRoute = createRoute({
  method: "get",
  path: `${PATH}/{id}/subscribers`,
  operationId: "listStatusPageSubscribers",
  security: SIGNED_IN,
  tags: TAG,
  summary: "A page's subscribers (e-mail: confirmed or not; webhooks)",
  request: { params: IdParam },
  responses: {
    200: jsonAnswer("The subscribers", z.object({ data: z.array(SubscriberSchema) })),
    ...forbidden,
    ...notFoundResponse,
  },
});
const addWebhookRoute = createRoute({
  method: "post",
  path: `${PATH}/{id}/subscribers`,
  operationId: "addStatusPageWebhookSubscriber",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Send this page's incident updates to a URL (Standard Webhooks)",
  description: "The answer carries `secret` (whsec_…) this once; every POST is signed with it (webhook-id, " +
    "webhook-timestamp, webhook-signature). The URL must pass the webhook outbound policy. E-mail subscribers " +
    "subscribe themselves on the public page (double opt-in).",
  request: { params: IdParam, body: jsonBody(WebhookSubscriberInput) },
  responses: {
    201: jsonAnswer("Added", SubscriberSchema.extend({ secret: z.string() })),
    ...forbidden,
    ...notFoundResponse,
  },
});

const componentJson = (c: Awaited<ReturnType<typeof addComponent>>) => ({
  id: c.id,
  page_id: c.page_id,
  name: c.name,
  description: c.description,
  position: c.position,
  check_ids: c.check_ids,
});

export function statusPagesApi() {
  const app = new OpenAPIHono<AppEnv>();
  for (const p of [PATH, `${PATH}/*`, `${COMPONENTS}/*`]) app.use(p, signedIn);
  app.openapi(list, async (c) => {
    const rows = await listStatusPages(c.get("deps").sql, requirePrincipal(c));
    return c.json({ data: rows.map(statusPageJson) }, 200);
  });
  app.openapi(get, async (c) => {
    const { page, components } = await getStatusPage(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json({ ...statusPageJson(page), components: components.map(componentJson) }, 200);
  });
  app.openapi(create, async (c) => {
    const row = await createStatusPage(c.get("deps").sql, requirePrincipal(c), c.req.valid("json"), auditContext(c));
    return c.json(statusPageJson(row), 201, locationOf(c, row.id));
  });
  app.openapi(update, async (c) => {
    const { sql } = c.get("deps");
    const row = await updateStatusPage(
      sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(statusPageJson(row), 200);
  });
  app.openapi(remove, async (c) => {
    await deleteStatusPage(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  app.openapi(addComponentRoute, async (c) => {
    const { sql } = c.get("deps");
    const row = await addComponent(
      sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(componentJson(row), 201, { Location: `${COMPONENTS}/${row.id}` });
  });
  app.openapi(updateComponentRoute, async (c) => {
    const { sql } = c.get("deps");
    const row = await updateComponent(
      sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      auditContext(c),
    );
    return c.json(componentJson(row), 200);
  });
  app.openapi(deleteComponentRoute, async (c) => {
    await deleteComponent(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  app.openapi(autoIncidents, async (c) => {
    const { sql } = c.get("deps");
    const ids = await setAutoIncidentRules(
      sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json").alert_rule_ids,
      auditContext(c),
    );
    return c.json({ alert_rule_ids: ids }, 200);
  });
  app.openapi(listSubscribersRoute, async (c) => {
    const rows = await listSubscribers(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json({ data: rows.map(subscriberJson) }, 200);
  });
  app.openapi(addWebhookRoute, async (c) => {
    const { sql, secret, config } = c.get("deps");
    const row = await addWebhookSubscriber(
      sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json").webhook_url,
      auditContext(c),
      { secret, config },
    );
    return c.json(row, 201);
  });
  return app;
}
