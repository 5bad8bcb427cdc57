/**
 * Entry point: `deno task start` (serve) and `deno task migrate`.
 * Start-up and failures print one clear line each; a bad start exits 1.
 */
import { ConfigError, loadConfig } from "./services/platform/config.ts";
import { createLogger, lineSink } from "./services/platform/logger.ts";
import { StartupError } from "./services/runtime/database.ts";
import { MigrationError } from "./db/migrate.ts";
import { openMigratedDatabase, serve } from "./services/runtime/server.ts";

// Start-up and stop lines are JSON like every other stdout line, written at once (not batched) so
// they are out before an exit.
const say = createLogger("info", lineSink((line) => console.log(line))).info;

function fail(message: string): never {
  console.error(`opsdeck: error: ${message}`);
  Deno.exit(1);
}

async function main(command: string) {
  const config = loadConfig(Deno.env.toObject());
  if (command === "migrate") {
    const db = await openMigratedDatabase(config, say);
    await db.close();
    return;
  }
  if (command !== "serve") fail(`unknown command "${command}" (expected serve or migrate)`);

  const server = await serve(config, say);
  await server.finished;
  Deno.exit(0);
}

try {
  await main(Deno.args[0] ?? "serve");
} catch (error) {
  if (error instanceof ConfigError || error instanceof StartupError || error instanceof MigrationError) {
    fail(error.message);
  }
  fail(`unexpected: ${(error as Error).stack ?? error}`);
}
