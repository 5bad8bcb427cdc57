/** Builds the app on a test database, in-process or listening on a free port. */
import { loadMigrations } from "../../db/migrate.ts";
import { createApp } from "../../routes/app.ts";
import type { AppDeps } from "../../routes/deps.ts";
import { loadConfig } from "../../services/config.ts";
import { createLogger, lineSink, type Logger, silentLogger } from "../../services/logger.ts";
import { createHttpMetrics } from "../../services/prometheus.ts";
import { createLoginThrottles } from "../../services/auth/throttle.ts";
import { createApiKeyCache } from "../../services/auth/api_key_cache.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";

export interface TestApp {
  db: TestDatabase;
  deps: AppDeps;
  app: ReturnType<typeof createApp>;
  /** Log lines written while the app ran, parsed. */
  logs: Record<string, unknown>[];
}

export async function createTestApp(overrides: Partial<AppDeps> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const logs: Record<string, unknown>[] = [];
  const logger: Logger = overrides.logger ?? createLogger("debug", lineSink((line) => logs.push(JSON.parse(line))));
  const deps: AppDeps = {
    sql: db.sql,
    config: loadConfig({ OPSDECK_SECRET: "test-secret-test-secret-test-secret-0000" }),
    logger,
    migrations: await loadMigrations(),
    metrics: createHttpMetrics(),
    database: { kind: "external" },
    applicationName: "opsdeck-test",
    poolMax: 5,
    startedAt: Date.now(),
    now: () => new Date(),
    secret: "test-secret-test-secret-test-secret-0000",
    throttles: createLoginThrottles(),
    // No caching by default: tests change users and keys with SQL and expect the next request to see it at once,
    // without waiting for the notification (tests/auth/api_key_cache_test.ts covers the cache).
    apiKeys: createApiKeyCache({ ttlMs: 0 }),
    ...overrides,
  };
  return { db, deps, app: createApp(deps), logs };
}

export interface ServedApp extends TestApp {
  url: string;
  stop(): Promise<void>;
}

/** The whole app listening on 127.0.0.1 and a free port, for browsers and load. */
export async function serveTestApp(overrides: Partial<AppDeps> = {}): Promise<ServedApp> {
  const test = await createTestApp({ logger: silentLogger, ...overrides });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request, info) => test.app.fetch(request, { remoteAddr: info.remoteAddr }),
  );
  return {
    ...test,
    url: `http://127.0.0.1:${server.addr.port}`,
    stop: () => server.shutdown(),
  };
}
