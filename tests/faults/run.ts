/**
 * `deno task test:faults`: the fault suite (tests/faults/*.fault.ts). Each
 * test starts its own PostgreSQL and Opsdeck processes, so none needs the
 * shared test database; the files are named *.fault.ts so `deno task test`
 * (which takes *_test.ts) leaves them to this runner. Extra arguments pick
 * files (e.g. `deno task test:faults tests/faults/replica_kill.fault.ts`).
 */
import { makePostgresTemplate } from "../helpers/killable_postgres.ts";

const dir = new URL(".", import.meta.url).pathname;
const files = Deno.args.length
  ? Deno.args
  : [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".fault.ts")).map((e) => `${dir}${e.name}`).sort();
const started = performance.now();
// Every test's PostgreSQL starts as a copy of one migrated cluster, made here once.
const template = await makePostgresTemplate();
const { code } = await new Deno.Command(Deno.execPath(), {
  // One file at a time by default: each runs a PostgreSQL and replicas of its own. OPSDECK_FAULT_JOBS=2 overlaps two
  // (a fault test mostly waits) but, on a loaded 2-core VM, F1 once saw a check run twice in one slot that way.
  args: ["test", "--allow-all", "--parallel", ...files],
  env: { OPSDECK_TEST_PG_TEMPLATE: template, DENO_JOBS: Deno.env.get("OPSDECK_FAULT_JOBS") ?? "1" },
  stdout: "inherit",
  stderr: "inherit",
}).output().finally(() => Deno.remove(template, { recursive: true }).catch(() => {}));
console.log(`(fault suite ${Math.round((performance.now() - started) / 1000)} s)`);
Deno.exit(code);
