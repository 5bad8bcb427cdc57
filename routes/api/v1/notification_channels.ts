/** Notification channels over the API: CRUD (secrets write-only) and "send test". */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { PageQuerySchema, pageSchema } from "../../../services/platform/pagination.ts";
import {
  ChannelSchema,
  ChannelTestResultSchema,
  CreateChannelSchema,
  NewChannelSchema,
  UpdateChannelSchema,
} from "../../../services/notifications/channel_schemas.ts";
import {
  channelJson,
  createChannel,
  deleteChannel,
  getChannel,
  listChannels,
  updateChannel,
} from "../../../services/notifications/channels.ts";
import { testChannel } from "../../../services/notifications/test_delivery.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { IdParam, locationOf, notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const forbidden = { 403: problem("You may read notification channels but not change them") };
const TAG = ["Notification channels"];
const PATH = "/api/v1/notification-channels";
const json = <T extends z.ZodType>(schema: T, examples: Record<string, { value: unknown }>) => ({
  required: true,
  content: { "application/json": { schema, examples } },
});

const listRoute = createRoute({
  method: "get",
  path: PATH,
  operationId: "listNotificationChannels",
  security: SIGNED_IN,
  tags: TAG,
  summary: "The organisation's notification channels, by name",
  description: "Needs `notification_channels:read`. Secrets are never returned: `has_secret` and " +
    "`config.secret_hint` say one is set.",
  request: { query: PageQuerySchema },
  responses: {
    200: {
      description: "A page of channels",
      content: { "application/json": { schema: pageSchema(ChannelSchema, "NotificationChannelPage") } },
    },
    ...notFoundResponse,
  },
});

const getRoute = createRoute({
  method: "get",
  path: `${PATH}/{id}`,
  operationId: "getNotificationChannel",
  security: SIGNED_IN,
  tags: TAG,
  summary: "One channel, with its health (broken, last error, last success)",
  request: { params: IdParam },
  responses: {
    200: { description: "The channel", content: { "application/json": { schema: ChannelSchema } } },
    ...notFoundResponse,
  },
});

const createRouteDef = createRoute({
  method: "post",
  path: PATH,
  operationId: "createNotificationChannel",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Add a Slack, e-mail or webhook channel",
  description: "Needs `notification_channels:write`. Slack: `{ bot_token, channel }` (buttons, edits in place) or " +
    "`{ webhook_url }`. E-mail: `{ to: [] }` (needs SMTP_URL on the server). Webhook: `{ url, secret? }`; without " +
    "`secret` a `whsec_…` secret is generated and returned once as `secret`. Webhook and Slack-webhook URLs must " +
    "resolve to public addresses unless OPSDECK_WEBHOOK_ALLOW lists the range (422 naming the field).",
  request: {
    body: json(CreateChannelSchema, {
      slack: {
        value: { name: "On-call", type: "slack", config: { bot_token: "xoxb-1234-5678-abcd", channel: "C0123" } },
      },
      email: { value: { name: "Ops mail", type: "email", config: { to: ["ops@example.com"] } } },
      webhook: { value: { name: "PagerBridge", type: "webhook", config: { url: "https://hooks.example.com/o" } } },
    }),
  },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: NewChannelSchema } } },
    ...forbidden,
    ...notFoundResponse,
  },
});

const updateRoute = createRoute({
  method: "patch",
  path: `${PATH}/{id}`,
  operationId: "updateNotificationChannel",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Rename or reconfigure a channel (saving clears `broken`)",
  description: "Needs `notification_channels:write`. `config` replaces the settings of the channel's type; a " +
    "secret field left out keeps the stored secret. The type cannot change.",
  request: {
    params: IdParam,
    body: json(UpdateChannelSchema, {
      rename: { value: { name: "On-call (primary)" } },
      move: { value: { config: { channel: "C0456" } } },
    }),
  },
  responses: {
    200: { description: "The channel as saved", content: { "application/json": { schema: NewChannelSchema } } },
    ...forbidden,
    ...notFoundResponse,
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: `${PATH}/{id}`,
  operationId: "deleteNotificationChannel",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Delete a channel, with its notification rules and delivery log",
  description: "Needs `notification_channels:delete`.",
  request: { params: IdParam },
  responses: {
    204: { description: "Deleted" },
    403: problem("You may read notification channels but not delete them"),
    ...notFoundResponse,
  },
});

const testRoute = createRoute({
  method: "post",
  path: `${PATH}/{id}/test`,
  operationId: "testNotificationChannel",
  security: SIGNED_IN,
  tags: TAG,
  summary: "Send a test message now and return the attempt",
  description: "Needs `notification_channels:write`. Enqueues a `channel.test` delivery and sends it at once; the " +
    "attempt is in the channel's delivery log. A failed send is still a 200 with `ok: false` and the error.",
  request: { params: IdParam },
  responses: {
    200: { description: "The attempt", content: { "application/json": { schema: ChannelTestResultSchema } } },
    ...forbidden,
    409: problem("The test delivery is already being sent"),
    ...notFoundResponse,
  },
});

/** What saving a channel needs from the app: the keys and the address policy. */
export const channelDeps = (c: Context<AppEnv>) => ({ secret: c.get("deps").secret, config: c.get("deps").config });

/** What "send test" needs: the app's deps plus a name for the delivery's lease. */
export const testDeps = (c: Context<AppEnv>) => ({ ...c.get("deps"), instanceId: `request:${c.get("requestId")}` });

export function notificationChannelsApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use(PATH, signedIn);
  app.use(`${PATH}/*`, signedIn);
  app.openapi(listRoute, async (c) => {
    const page = await listChannels(c.get("deps").sql, requirePrincipal(c), c.req.valid("query"));
    return c.json({ data: page.data.map(channelJson), next_cursor: page.next_cursor }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const row = await getChannel(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id);
    return c.json(channelJson(row), 200);
  });
  app.openapi(createRouteDef, async (c) => {
    const { row, generatedSecret } = await createChannel(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("json"),
      auditContext(c),
      channelDeps(c),
    );
    if (generatedSecret) c.header("Cache-Control", "no-store");
    return c.json(
      { ...channelJson(row), ...(generatedSecret ? { secret: generatedSecret } : {}) },
      201,
      locationOf(c, row.id),
    );
  });
  app.openapi(updateRoute, async (c) => {
    const { row, generatedSecret } = await updateChannel(
      c.get("deps").sql,
      requirePrincipal(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      auditContext(c),
      channelDeps(c),
    );
    if (generatedSecret) c.header("Cache-Control", "no-store");
    return c.json({ ...channelJson(row), ...(generatedSecret ? { secret: generatedSecret } : {}) }, 200);
  });
  app.openapi(deleteRoute, async (c) => {
    await deleteChannel(c.get("deps").sql, requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.body(null, 204);
  });
  app.openapi(testRoute, async (c) => {
    const result = await testChannel(testDeps(c), requirePrincipal(c), c.req.valid("param").id, auditContext(c));
    return c.json(result, 200);
  });
  return app;
}
