/**
 * Prints the OpenAPI document as `GET /openapi.json` serves it, built in-process with no database (postgres.js
 * connects lazily and the document needs no query), so CI can lint it without starting a server.
 * `deno task openapi:dump [file]`.
 */
import { createPool } from "../db/client.ts";
import { loadMigrations } from "../db/migrate.ts";
import { createApp } from "../routes/app.ts";
import { createApiKeyCache } from "../services/auth/api_key_cache.ts";
import { createLoginThrottles } from "../services/auth/throttle.ts";
import { loadConfig } from "../services/platform/config.ts";
import { silentLogger } from "../services/platform/logger.ts";
import { DatabaseTroubles } from "../services/system/database_troubles.ts";
import { createTelemetry } from "../services/runtime/telemetry/mod.ts";

export async function openApiDocument(): Promise<string> {
  const secret = "openapi-dump-openapi-dump-openapi-dump-00";
  const sql = createPool("postgres://opsdeck@127.0.0.1:1/unused", { max: 1 });
  const metrics = createTelemetry();
  const app = createApp({
    sql,
    config: loadConfig({ OPSDECK_SECRET: secret }),
    logger: silentLogger,
    migrations: await loadMigrations(),
    metrics,
    troubles: new DatabaseTroubles(metrics.dbErrors),
    database: { kind: "external" },
    applicationName: "opsdeck-openapi-dump",
    poolMax: 1,
    startedAt: Date.now(),
    now: () => new Date(),
    secret,
    throttles: createLoginThrottles(),
    apiKeys: createApiKeyCache({ ttlMs: 0 }),
  });
  const res = await app.request("/openapi.json");
  if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}: ${await res.text()}`);
  const text = JSON.stringify(await res.json(), null, 2) + "\n";
  await sql.end();
  return text;
}

if (import.meta.main) {
  const text = await openApiDocument();
  if (Deno.args[0]) await Deno.writeTextFile(Deno.args[0], text);
  else await Deno.stdout.write(new TextEncoder().encode(text));
}
