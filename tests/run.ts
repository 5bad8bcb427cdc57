/**
 * `deno task test`: make sure a PostgreSQL is there (DATABASE_URL, or a
 * throwaway embedded one), migrate a template database once, then run
 * `deno test`; every test module clones the template (~20 ms) for itself.
 * Extra arguments go to `deno test` (e.g. `deno task test tests/unit`).
 * `OPSDECK_TEST_NOW=2026-12-06T01:30:00Z deno task test tests/maintenance`
 * runs them as if the clock read that instant (see helpers/chosen_instant.ts).
 */
import { createPool } from "../db/client.ts";
import { startEmbeddedPostgres } from "../db/embedded.ts";
import { loadMigrations, migrate } from "../db/migrate.ts";
import { runAtChosenInstant } from "./helpers/chosen_instant.ts";
import { goodPasswordHash, PASSWORD_HASH_ENV } from "./helpers/fixtures.ts";

// OPSDECK_TEST_NOW=<ISO instant>: the whole run (this runner, the embedded
// PostgreSQL, the test processes and Chromium) lives at that instant.
const shifted = await runAtChosenInstant(Deno.env.get("OPSDECK_TEST_NOW"));
if (shifted !== undefined) Deno.exit(shifted);

const TEMPLATE = "opsdeck_test_template";
const started = performance.now();

let adminUrl = Deno.env.get("DATABASE_URL");
let stopEmbedded = async () => {};
let tempDir: string | undefined;
if (!adminUrl) {
  tempDir = await Deno.makeTempDir({ prefix: "opsdeck-test-pg-" });
  await Deno.chmod(tempDir, 0o755);
  // Durability buys nothing for a throwaway cluster and costs seconds.
  const pg = await startEmbeddedPostgres({
    dir: `${tempDir}/postgres`,
    settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off", max_connections: "300" },
  });
  adminUrl = pg.url;
  stopEmbedded = pg.stop;
  console.log(`test database: embedded PostgreSQL on port ${pg.port}`);
} else {
  console.log("test database: DATABASE_URL");
}

let exitCode = 1;
try {
  exitCode = await prepareAndRun(adminUrl);
} catch (error) {
  console.error(`opsdeck tests: ${(error as Error).message}`);
} finally {
  await stopEmbedded();
  if (tempDir) await Deno.remove(tempDir, { recursive: true }).catch(() => {});
}
Deno.exit(exitCode);

async function prepareAndRun(adminUrl: string): Promise<number> {
  // Hashed once here, while the template migrates, instead of once in every test module.
  const passwordHash = goodPasswordHash();
  const admin = createPool(adminUrl, { max: 1, applicationName: "opsdeck-test-admin" });
  const [{ version }] = await admin<{ version: string }[]>`SELECT current_setting('server_version') AS version`;
  const stale = await admin<{ datname: string }[]>`
    SELECT datname FROM pg_database WHERE datname LIKE 'opsdeck_test_%'`;
  for (const { datname } of stale) {
    await admin.unsafe(`ALTER DATABASE "${datname}" IS_TEMPLATE false`);
    await admin.unsafe(`DROP DATABASE "${datname}" WITH (FORCE)`);
  }
  await admin.unsafe(`CREATE DATABASE "${TEMPLATE}"`);
  const templateUrl = withDatabase(adminUrl, TEMPLATE);
  const template = createPool(templateUrl, { max: 1 });
  const migrations = await loadMigrations();
  await migrate(template, migrations);
  await template.end();
  await admin.unsafe(`ALTER DATABASE "${TEMPLATE}" IS_TEMPLATE true`);
  await admin.end();
  console.log(
    `template database migrated (${migrations.length} migrations, PostgreSQL ${version}) in ${
      Math.round(performance.now() - started)
    } ms`,
  );

  await Deno.mkdir("tmp", { recursive: true });
  const junit = `tmp/junit-${Deno.pid}.xml`;
  await Deno.remove(junit).catch(() => {});
  const args = Deno.args.length ? Deno.args : ["tests/"];
  const child = new Deno.Command(Deno.execPath(), {
    // --no-check: `deno task check` type-checks tests/** already; here it cost 40–70 s before the first test ran.
    args: ["test", "--allow-all", "--no-check", `--junit-path=${junit}`, ...args],
    env: {
      OPSDECK_TEST_DATABASE_URL: adminUrl,
      OPSDECK_TEST_TEMPLATE: TEMPLATE,
      [PASSWORD_HASH_ENV]: await passwordHash,
    },
    stdin: "null",
  }).spawn();
  const status = await child.status;

  const counts = await readJunit(junit);
  await Deno.remove(junit).catch(() => {});
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`\n${counts.passed} passed, ${counts.failed} failed`);
  console.log(`(whole run ${seconds} s)`);
  return status.code === 0 && counts.failed === 0 ? 0 : 1;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Test cases from deno's JUnit report (steps are counted inside their test). */
async function readJunit(path: string): Promise<{ passed: number; failed: number }> {
  try {
    const xml = await Deno.readTextFile(path);
    const suites = xml.match(/<testsuites [^>]*>/)?.[0] ?? "";
    const tests = Number(suites.match(/ tests="(\d+)"/)?.[1] ?? 0);
    const failures = Number(suites.match(/ failures="(\d+)"/)?.[1] ?? 0);
    const errors = Number(suites.match(/ errors="(\d+)"/)?.[1] ?? 0);
    return { passed: tests - failures - errors, failed: failures + errors };
  } catch {
    return { passed: 0, failed: 1 };
  }
}
