/**
 * SCIM 2.0 at /scim/v2 (services/user_sync/scim.ts). Its own protocol, so not
 * in /openapi.json: the tenant's SCIM bearer token authenticates, bodies and
 * errors are `application/scim+json` (RFC 7644 §3.12 error messages).
 */
import { type Context, Hono } from "hono";
import {
  createUser,
  deprovisionUser,
  getUser,
  listUsers,
  patchUser,
  replaceUser,
  ScimError,
  scimErrorBody,
  tenantForToken,
} from "../services/user_sync/scim.ts";
import { createGroup, deleteGroup, listGroups, patchGroup, replaceGroup } from "../services/user_sync/scim_groups.ts";
import {
  getResourceType,
  getSchema,
  listResourceTypes,
  listSchemas,
  serviceProviderConfig,
} from "../services/user_sync/scim_discovery.ts";
import type { AppEnv } from "./deps.ts";
import { selfOrigin } from "./middleware/csrf.ts";

const scimJson = (c: Context<AppEnv>, body: unknown, status: 200 | 201 = 200) =>
  c.body(JSON.stringify(body), status, { "Content-Type": "application/scim+json" });

async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new ScimError(400, "invalidSyntax", "The body is not JSON");
  }
}

type Handler = (c: Context<AppEnv>, tenantId: string) => Promise<Response>;

/** The token names the tenant; a ScimError becomes its RFC 7644 message (the app's problem+json is for our API). */
const scim = (handler: Handler) => async (c: Context<AppEnv>) => {
  try {
    return await handler(c, await tenantForToken(c.get("deps").sql, c.req.header("Authorization")));
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    return c.body(JSON.stringify(scimErrorBody(error)), error.status as 400, {
      "Content-Type": "application/scim+json",
    });
  }
};

function idOf(c: Context<AppEnv>): string {
  const value = c.req.param("id") ?? "";
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
    throw new ScimError(404, null, "Not found");
  }
  return value;
}

export function scimRoutes() {
  const app = new Hono<AppEnv>();
  app.get(
    "/scim/v2/Users",
    scim(async (c, t) => scimJson(c, await listUsers(c.get("deps").sql, t, c.req.query(), selfOrigin(c)))),
  );
  app.post(
    "/scim/v2/Users",
    scim(async (c, t) => {
      const { sql, now } = c.get("deps");
      return scimJson(c, await createUser(sql, t, await jsonBody(c), now(), selfOrigin(c)), 201);
    }),
  );
  app.get(
    "/scim/v2/Users/:id",
    scim(async (c, t) => scimJson(c, await getUser(c.get("deps").sql, t, idOf(c), selfOrigin(c)))),
  );
  app.patch(
    "/scim/v2/Users/:id",
    scim(async (c, t) => {
      const { sql, now } = c.get("deps");
      return scimJson(c, await patchUser(sql, t, idOf(c), await jsonBody(c), now(), selfOrigin(c)));
    }),
  );
  app.delete(
    "/scim/v2/Users/:id",
    scim(async (c, t) => {
      const { sql, now } = c.get("deps");
      await deprovisionUser(sql, t, idOf(c), now(), selfOrigin(c));
      return c.body(null, 204);
    }),
  );
  app.put(
    "/scim/v2/Users/:id",
    scim(async (c, t) => {
      const { sql, now } = c.get("deps");
      return scimJson(c, await replaceUser(sql, t, idOf(c), await jsonBody(c), now(), selfOrigin(c)));
    }),
  );
  app.post(
    "/scim/v2/Groups",
    scim(async (c, t) => {
      const { sql, now } = c.get("deps");
      return scimJson(c, await createGroup(sql, t, await jsonBody(c), now(), selfOrigin(c)), 201);
    }),
  );
  app.put(
    "/scim/v2/Groups/:id",
    scim(async (c, t) => {
      const { sql, now } = c.get("deps");
      return scimJson(c, await replaceGroup(sql, t, idOf(c), await jsonBody(c), now(), selfOrigin(c)));
    }),
  );
  app.delete(
    "/scim/v2/Groups/:id",
    scim(async (c, t) => {
      const { sql, now } = c.get("deps");
      await deleteGroup(sql, t, idOf(c), now());
      return c.body(null, 204);
    }),
  );
  // Discovery (RFC 7644 §4): the same token, so a tenant's directory sees only its own server.
  app.get(
    "/scim/v2/ServiceProviderConfig",
    scim((c) => Promise.resolve(scimJson(c, serviceProviderConfig(selfOrigin(c))))),
  );
  app.get("/scim/v2/Schemas", scim((c) => Promise.resolve(scimJson(c, listSchemas(selfOrigin(c))))));
  app.get(
    "/scim/v2/Schemas/:id",
    scim((c) => Promise.resolve(scimJson(c, getSchema(selfOrigin(c), c.req.param("id") ?? "")))),
  );
  app.get("/scim/v2/ResourceTypes", scim((c) => Promise.resolve(scimJson(c, listResourceTypes(selfOrigin(c))))));
  app.get(
    "/scim/v2/ResourceTypes/:id",
    scim((c) => Promise.resolve(scimJson(c, getResourceType(selfOrigin(c), c.req.param("id") ?? "")))),
  );
  app.get("/scim/v2/Groups", scim(async (c, t) => scimJson(c, await listGroups(c.get("deps").sql, t, selfOrigin(c)))));
  app.patch(
    "/scim/v2/Groups/:id",
    scim(async (c, t) => {
      const { sql, now } = c.get("deps");
      return scimJson(c, await patchGroup(sql, t, idOf(c), await jsonBody(c), now(), selfOrigin(c)));
    }),
  );
  return app;
}
