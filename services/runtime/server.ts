/**
 * The `serve` command: database, migrations, HTTP server, and an orderly stop
 * on SIGTERM/SIGINT (stop accepting, let in-flight requests finish within
 * OPSDECK_SHUTDOWN_TIMEOUT_MS, stop background work, close the pool, stop the
 * embedded PostgreSQL).
 */
import { loadMigrations, migrate } from "../../db/migrate.ts";
import { createApp } from "../../routes/app.ts";
import { type OpenDatabase, openDatabase, resolveSecret, StartupError } from "./database.ts";
import { createLogger } from "../platform/logger.ts";
import { createTelemetry } from "./telemetry/mod.ts";
import { createLoginThrottles } from "../auth/throttle.ts";
import { bootstrapAdmin } from "../auth/setup.ts";
import { AppError } from "../platform/errors.ts";
import { DatabaseTroubles } from "../system/database_troubles.ts";
import { createActivityRecorder } from "../insights/activity_recorder.ts";
import { startBackgroundWork, stopBackgroundWork } from "../workers/workers.ts";
import { type Config, describeConfig, withDatabaseAddress } from "../platform/config.ts";
import { databaseUrlOf } from "../platform/net/policy.ts";
import { createApiKeyCache, listenForAuthChanges } from "../auth/api_key_cache.ts";
import { createPublicPageCaches, listenForStatusPageChanges } from "../status_pages/public_cache.ts";
import { startLiveHub } from "../live/hub.ts";
import { PUBLIC_TTL_SECONDS } from "../../routes/status_public.tsx";

export type Say = (line: string) => void;

/** Opens the database and applies pending migrations, reporting each file. */
export async function openMigratedDatabase(config: Config, say: Say): Promise<OpenDatabase> {
  const db = await openDatabase(config, say);
  try {
    const migrations = await loadMigrations();
    const result = await migrate(db.sql, migrations, (name) => say(`applying migration ${name}`));
    say(`${db.summary}; schema at ${result.total} migrations (${result.applied.length} applied now)`);
    return db;
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
}

export interface RunningServer {
  url: string;
  /** Resolves when the server has stopped and everything is closed. */
  finished: Promise<void>;
  shutdown(reason: string): Promise<void>;
}

export async function serve(envConfig: Config, say: Say): Promise<RunningServer> {
  let config = envConfig;
  const startedAt = Date.now();
  const secret = await resolveSecret(config);
  if (secret.generated) say(`generated OPSDECK_SECRET into ${secret.path} (keep it with the data)`);
  if (!config.secret && config.databaseUrl) {
    say(
      `warning: OPSDECK_SECRET is not set; using the one in ${secret.path}. Set OPSDECK_SECRET when the ` +
        "database lives elsewhere, so every Opsdeck process and rebuilt container shares it",
    );
  }
  const db = await openMigratedDatabase(config, say);
  // The one set of outbound policies, now that the database's address is known (embedded or not).
  config = withDatabaseAddress(config, databaseUrlOf(db.sql));
  if (config.adminEmail && config.adminPassword) {
    await bootstrapFromEnv(db, { email: config.adminEmail, password: config.adminPassword }, say);
  }
  const logger = createLogger(config.logLevel);
  const metrics = createTelemetry({ version: config.version, revision: config.revision });
  const stopLagSampler = metrics.process.startLagSampler();
  const apiKeys = createApiKeyCache();
  const stopListening = await listenForAuthChanges(db.sql, apiKeys);
  const publicPages = createPublicPageCaches({ ttlMs: PUBLIC_TTL_SECONDS * 1000 });
  const stopListeningPages = await listenForStatusPageChanges(db.sql, publicPages);
  const live = await startLiveHub(db.sql, { logger, maxStreams: config.liveStreamsMax });
  const activity = createActivityRecorder(db.sql, logger);
  const app = createApp({
    sql: db.sql,
    config,
    logger,
    migrations: await loadMigrations(),
    metrics,
    database: db.info,
    applicationName: db.applicationName,
    poolMax: db.poolMax,
    startedAt,
    now: () => new Date(),
    secret: secret.secret,
    throttles: createLoginThrottles(),
    troubles: new DatabaseTroubles(metrics.dbErrors),
    apiKeys,
    activity,
    publicPages,
    live,
  });

  const abort = new AbortController();
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: config.host,
      port: config.port,
      signal: abort.signal,
      onListen: () => {},
    }, (request, info) => app.fetch(request, { remoteAddr: info.remoteAddr }));
  } catch (error) {
    await db.close().catch(() => {});
    if (error instanceof Deno.errors.AddrInUse) {
      throw new StartupError(
        `cannot listen on ${config.host}:${config.port}: the address is already in use (set PORT to a free port)`,
      );
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new StartupError(
        `cannot listen on ${config.host}:${config.port}: permission denied (use a port above 1023)`,
      );
    }
    throw error;
  }

  const workers = startBackgroundWork({
    sql: db.sql,
    config,
    logger,
    now: () => new Date(),
    secret: secret.secret,
    instanceId: `${Deno.hostname()}:${Deno.pid}:${crypto.randomUUID().slice(0, 8)}`,
    telemetry: metrics.workers,
  });

  let stopping: Promise<void> | undefined;
  let resolveFinished: () => void;
  const finished = new Promise<void>((r) => resolveFinished = r);

  const shutdown = (reason: string) => {
    stopping ??= (async () => {
      say(`${reason}: shutting down (waiting up to ${config.shutdownTimeoutMs} ms for requests in flight)`);
      const timer = setTimeout(() => abort.abort(), config.shutdownTimeoutMs);
      // Open live streams never finish by themselves: ended first, their pages reconnect to another replica.
      await live.stop();
      await server.shutdown();
      clearTimeout(timer);
      await stopBackgroundWork(workers);
      await activity.stop();
      stopLagSampler();
      await stopListening().catch(() => {});
      await stopListeningPages().catch(() => {});
      await db.close();
      logger.flush();
      say("stopped");
      resolveFinished();
    })();
    return stopping;
  };
  listenForSignals(shutdown, say);

  const shown = config.host === "0.0.0.0" ? "localhost" : config.host;
  const url = `http://${shown}:${server.addr.port}`;
  say(
    `listening on ${url} (${Object.entries(describeConfig(config)).map(([k, v]) => `${k}: ${v}`).join(", ")}) ` +
      `— started in ${Date.now() - startedAt} ms`,
  );
  return { url, finished, shutdown };
}

/**
 * SIGTERM/SIGINT start the orderly stop. `deno task` forwards the terminal's
 * Ctrl-C to us as well, so one keypress can arrive twice; only a signal that
 * comes a second after the first forces the exit.
 */
function listenForSignals(shutdown: (reason: string) => Promise<void>, say: Say) {
  let firstAt = 0;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, () => {
      if (firstAt && Date.now() - firstAt > 1000) {
        say(`${signal} again: exiting without waiting`);
        Deno.exit(1);
      }
      firstAt ||= Date.now();
      shutdown(signal);
    });
  }
}

/** OPSDECK_ADMIN_EMAIL/PASSWORD create the first tenant's admin once; a weak password stops start-up. */
async function bootstrapFromEnv(db: OpenDatabase, admin: { email: string; password: string }, say: Say) {
  try {
    const user = await bootstrapAdmin(db.sql, admin, { actor: null, ip: null, userAgent: null, now: new Date() });
    if (user) say(`created the first tenant and its admin ${user.email} from OPSDECK_ADMIN_EMAIL`);
  } catch (error) {
    await db.close().catch(() => {});
    if (error instanceof AppError) {
      const detail = error.errors?.[0]?.message ?? error.message;
      throw new StartupError(`OPSDECK_ADMIN_PASSWORD: ${detail}`);
    }
    throw error;
  }
}
