/** Builds the app on a test database, in-process or listening on a free port. */
import { loadMigrations } from "../../db/migrate.ts";
import { createApp } from "../../routes/app.ts";
import type { AppDeps } from "../../routes/deps.ts";
import { createLogger, lineSink, type Logger, silentLogger } from "../../services/platform/logger.ts";
import { createTelemetry } from "../../services/runtime/telemetry/mod.ts";
import { createLoginThrottles } from "../../services/auth/throttle.ts";
import { DatabaseTroubles } from "../../services/system/database_troubles.ts";
import { createApiKeyCache } from "../../services/auth/api_key_cache.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";
import type { Sql } from "../../db/client.ts";
import { loadConfig, withDatabaseAddress } from "../../services/platform/config.ts";
import { databaseUrlOf } from "../../services/platform/net/policy.ts";

export interface TestApp {
  db: TestDatabase;
  deps: AppDeps;
  app: ReturnType<typeof createApp>;
  /** Log lines written while the app ran, parsed. */
  logs: Record<string, unknown>[];
}

export async function createTestApp(overrides: Partial<AppDeps> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  return { db, ...await buildTestApp(db.sql, overrides) };
}

/** The app on any pool (the outage tests bring their own PostgreSQL). */
export async function buildTestApp(sql: Sql, overrides: Partial<AppDeps> = {}): Promise<Omit<TestApp, "db">> {
  const logs: Record<string, unknown>[] = [];
  const logger: Logger = overrides.logger ?? createLogger("debug", lineSink((line) => logs.push(JSON.parse(line))));
  const metrics = overrides.metrics ?? createTelemetry();
  const deps: AppDeps = {
    sql,
    // Test files call the API far faster than people do; tests/hardening/rate_limit_test.ts turns it on.
    config: loadConfig({
      OPSDECK_SECRET: "test-secret-test-secret-test-secret-0000",
      OPSDECK_API_RATE_LIMIT: "0",
      OPSDECK_API_RATE_LIMIT_IP: "0",
      // One sign-in holds a 128 MiB scrypt; on a busy shared CI machine that alone can pass the 10 s default and turn
      // a password test into a 503. tests/outage and tests/faults set their own deadline to test it.
      OPSDECK_REQUEST_TIMEOUT_MS: "60000",
    }),
    logger,
    migrations: await loadMigrations(),
    metrics,
    database: { kind: "external" },
    applicationName: "opsdeck-test",
    poolMax: 5,
    startedAt: Date.now(),
    now: () => new Date(),
    secret: "test-secret-test-secret-test-secret-0000",
    throttles: createLoginThrottles(),
    troubles: new DatabaseTroubles(metrics.dbErrors),
    // No caching by default: tests change users and keys with SQL and expect the next request to see it at once,
    // without waiting for the notification (tests/auth/api_key_cache_test.ts covers the cache).
    apiKeys: createApiKeyCache({ ttlMs: 0 }),
    ...overrides,
  };
  // As serve() does: whatever the configuration, the outbound policies protect the database the app runs on.
  deps.config = withDatabaseAddress(deps.config, databaseUrlOf(sql));
  return { deps, app: createApp(deps), logs };
}

/** Serves `app.fetch` on 127.0.0.1 and a free port. */
export function listen(app: TestApp["app"]): { url: string; stop(): Promise<void> } {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request, info) => app.fetch(request, { remoteAddr: info.remoteAddr }),
  );
  return { url: `http://127.0.0.1:${server.addr.port}`, stop: () => server.shutdown() };
}

export interface ServedApp extends TestApp {
  url: string;
  stop(): Promise<void>;
}

/** The whole app listening on 127.0.0.1 and a free port, for browsers and load. */
export async function serveTestApp(overrides: Partial<AppDeps> = {}): Promise<ServedApp> {
  const test = await createTestApp({ logger: silentLogger, ...overrides });
  return { ...test, ...listen(test.app) };
}
