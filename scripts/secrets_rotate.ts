/**
 * `deno task secrets:rotate`: re-encrypt every stored secret under the
 * current OPSDECK_SECRET. Run it after starting Opsdeck with a new
 * OPSDECK_SECRET and the old one in OPSDECK_SECRET_PREVIOUS; once it reports
 * no failures, OPSDECK_SECRET_PREVIOUS can be removed. With the embedded
 * database, stop the server first (one PostgreSQL per data directory).
 * Exit code: 0 when every row is on the current key, 1 otherwise.
 */
import { resolve } from "node:path";
import { ConfigError, loadConfig } from "../services/platform/config.ts";
import { openDatabase, resolveSecret, StartupError } from "../services/runtime/database.ts";
import { rotateSecrets } from "../services/platform/secrets/rotate.ts";

const say = (line: string) => console.log(`secrets:rotate: ${line}`);

try {
  const config = loadConfig(Deno.env.toObject());
  // Never generate a secret here: rows re-encrypted under a key the server does not have would be lost.
  if (!config.secret && !await Deno.stat(resolve(config.dataDir, "secret")).catch(() => undefined)) {
    throw new ConfigError("OPSDECK_SECRET", `is not set and ${resolve(config.dataDir, "secret")} does not exist`);
  }
  const { secret } = await resolveSecret(config);
  const db = await openDatabase(config, say);
  try {
    if (config.previousSecrets.length === 0) {
      say("OPSDECK_SECRET_PREVIOUS is not set: only rows already readable with OPSDECK_SECRET can be moved");
    }
    const result = await rotateSecrets(db.sql, { current: secret, previous: config.previousSecrets, say });
    Deno.exitCode = result.failed > 0 ? 1 : 0;
  } finally {
    await db.close();
  }
} catch (error) {
  const known = error instanceof ConfigError || error instanceof StartupError;
  console.error(`secrets:rotate: error: ${known ? (error as Error).message : (error as Error).stack}`);
  Deno.exitCode = 1;
}
