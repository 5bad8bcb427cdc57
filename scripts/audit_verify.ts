/**
 * `deno task audit:verify`: checks every tenant's audit hash chain and prints
 * one line per tenant. Exit 0 when every chain is intact, 1 when any is
 * broken, 2 when it could not check at all (bad config, no database).
 *
 * It connects the way `deno task migrate` does: DATABASE_URL, or the embedded
 * PostgreSQL under OPSDECK_DATA_DIR (stop the server first: one embedded
 * cluster serves one process).
 */
import { ConfigError, loadConfig } from "../services/platform/config.ts";
import { StartupError } from "../services/runtime/database.ts";
import { MigrationError } from "../db/migrate.ts";
import { openMigratedDatabase } from "../services/runtime/server.ts";
import { describeReport, verifyAllChains } from "../services/audits/verify.ts";

const say = (line: string) => console.error(`opsdeck: ${line}`);

async function main(): Promise<number> {
  const config = loadConfig(Deno.env.toObject());
  const db = await openMigratedDatabase(config, say);
  try {
    const started = performance.now();
    const reports = await verifyAllChains(db.sql, (report) => console.log(describeReport(report)));
    const broken = reports.filter((r) => r.broken).length;
    const rows = reports.reduce((sum, r) => sum + r.rows, 0);
    const ms = Math.round(performance.now() - started);
    say(
      broken
        ? `audit:verify: ${broken} of ${reports.length} tenant chains are BROKEN`
        : `audit:verify: all ${reports.length} tenant chains intact (${rows} rows in ${ms} ms)`,
    );
    return broken ? 1 : 0;
  } finally {
    await db.close();
  }
}

try {
  Deno.exit(await main());
} catch (error) {
  const known = error instanceof ConfigError || error instanceof StartupError || error instanceof MigrationError;
  say(`error: ${known ? (error as Error).message : (error as Error).stack ?? error}`);
  Deno.exit(2);
}
