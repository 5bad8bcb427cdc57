/**
 * What every provider's integration test file sets up against its stand-in
 * (tests/integrations/*_api_test.ts): the app with the stand-in's env and rate
 * limits off, the personas, a sync worker on the file's clock, and the two
 * legs of the OAuth connect dance that do not depend on the provider.
 */
import { assertEquals } from "@std/assert";
import { createTestApp, type TestApp } from "./app.ts";
import { genPersonas, type SignedIn, TEST_SECRET } from "./fixtures.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { createIntegrationWorker } from "../../services/integrations/worker.ts";
import { silentLogger } from "../../services/platform/logger.ts";

export async function createIntegrationTestApp(
  o: { env: Record<string, string>; instanceId: string; now: () => Date },
) {
  const config = loadConfig({
    OPSDECK_SECRET: TEST_SECRET,
    OPSDECK_API_RATE_LIMIT: "0",
    OPSDECK_API_RATE_LIMIT_IP: "0",
    ...o.env,
  });
  const { app, db, deps } = await createTestApp({ config });
  const sql = db.sql;
  const p = await genPersonas(sql);
  const worker = createIntegrationWorker({
    sql,
    config: deps.config,
    logger: silentLogger,
    now: o.now,
    secret: TEST_SECRET,
    instanceId: o.instanceId,
  });
  return { app, deps, sql, p, tenantId: p.tenant.id, worker };
}

/** The admin's browser presses Connect: answers the provider's authorize URL Opsdeck redirected to. */
export async function startConnect(app: TestApp["app"], provider: string, session: SignedIn): Promise<URL> {
  const start = await app.request(`/integrations/${provider}/connect`, { method: "POST", headers: session.cookie });
  assertEquals(start.status, 303);
  return new URL(start.headers.get("location")!);
}

/**
 * The consent form posted at the provider, carrying `keys` over from the
 * authorize URL: answers the callback path it redirects to (not yet followed).
 */
export async function consentAt(
  at: string | URL,
  authorize: URL,
  keys: string[],
  form = new URLSearchParams(),
): Promise<string> {
  for (const k of keys) form.set(k, authorize.searchParams.get(k)!);
  const back = await fetch(at, { method: "POST", body: form, redirect: "manual" });
  await back.body?.cancel();
  const callback = new URL(back.headers.get("location")!);
  return `${callback.pathname}${callback.search}`;
}
