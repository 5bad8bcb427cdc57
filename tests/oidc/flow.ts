/**
 * Drives a single sign-on round trip in-process: start at the app, follow
 * the test provider's authorize redirect, come back to the callback with the
 * flow cookie (and any other cookies, e.g. a session for linking).
 */
import { assertEquals } from "@std/assert";
import type { Sql } from "../../db/client.ts";
import { builtinRoleId, insertUser, type UserRow } from "../../db/queries/users.ts";
import { withTenant } from "../../db/tenant.ts";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../routes/deps.ts";
import type { NextSignIn, ProviderPerson, TestOidcProvider } from "../helpers/oidc_provider.ts";

type App = OpenAPIHono<AppEnv>;

export interface RoundTrip {
  /** The callback's response (303 on success, the login page on refusal). */
  response: Response;
  /** The session cookie the callback set, as a `Cookie` header value. */
  session?: string;
  /** Where the provider sent the browser back to. */
  callbackUrl: URL;
}

export function cookiesOf(response: Response): Record<string, string> {
  return Object.fromEntries(
    response.headers.getSetCookie().map((c) => c.split(";")[0].split("=") as [string, string]),
  );
}

export async function startFlow(app: App, init: { path?: string; headers?: Record<string, string> } = {}) {
  const start = await app.request(init.path ?? "/auth/oidc/start", { headers: init.headers });
  assertEquals(start.status, 303);
  const flowCookie = cookiesOf(start)["opsdeck_oidc"];
  return { start, flowCookie, authorizeUrl: new URL(start.headers.get("Location")!) };
}

export async function roundTrip(
  app: App,
  provider: TestOidcProvider,
  person: ProviderPerson,
  options: NextSignIn & {
    startPath?: string;
    startInit?: RequestInit;
    /** Extra cookies for the callback (e.g. the session when linking). */
    cookie?: string;
    /** Replaces the flow cookie (undefined keeps it; "" drops it). */
    flowCookie?: string;
  } = {},
): Promise<RoundTrip> {
  provider.nextSignIn(person, options);
  const start = await app.request(options.startPath ?? "/auth/oidc/start", options.startInit);
  assertEquals(start.status, 303, await start.clone().text());
  const flowCookie = options.flowCookie ?? cookiesOf(start)["opsdeck_oidc"];
  const authorize = await fetch(start.headers.get("Location")!, { redirect: "manual" });
  await authorize.body?.cancel();
  assertEquals(authorize.status, 302);
  const callbackUrl = new URL(authorize.headers.get("Location")!);
  const cookies = [flowCookie ? `opsdeck_oidc=${flowCookie}` : "", options.cookie ?? ""].filter(Boolean).join("; ");
  const response = await app.request(callbackUrl.pathname + callbackUrl.search, {
    headers: { Accept: "text/html", ...(cookies ? { Cookie: cookies } : {}) },
  });
  const session = cookiesOf(response)["opsdeck_session"];
  return { response, session: session ? `opsdeck_session=${session}` : undefined, callbackUrl };
}

/** An invited user with an invitation (open, or already expired). */
export async function genInvitedUser(
  sql: Sql,
  tenantId: string,
  email: string,
  options: { expired?: boolean } = {},
): Promise<{ user: UserRow; invitationId: string }> {
  return await withTenant(sql, tenantId, async (tx) => {
    const user = await insertUser(tx, {
      tenantId,
      email,
      name: null,
      status: "invited",
      roleId: await builtinRoleId(tx, "employee"),
    });
    const expiresAt = new Date(Date.now() + (options.expired ? -60_000 : 7 * 86_400_000));
    const [row] = await tx<{ id: string }[]>`
      INSERT INTO invitations (tenant_id, user_id, token_hash, expires_at)
      VALUES (${tenantId}, ${user.id}, ${crypto.getRandomValues(new Uint8Array(32))}, ${expiresAt})
      RETURNING id`;
    return { user, invitationId: row.id };
  });
}
