/**
 * Runs the test runner again with every process's wall clock shifted so that
 * it starts at a chosen instant, to catch tests that only pass on some days.
 *
 * Why libfaketime and not an injected clock alone: the code under test reads
 * time where no Deno-side clock reaches (PostgreSQL's now(), libraries), and
 * a calendar bug hides in exactly the place that was not shifted. LD_PRELOAD
 * shifts both, and child processes inherit it, except Chromium, which hangs
 * under it (tests/helpers/browser.ts). Only the wall clock moves: monotonic
 * time stays real, so timeouts and timers behave as usual.
 */
const LIBFAKETIME = [
  "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
  "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
  "/usr/local/lib/faketime/libfaketimeMT.so.1",
];

/**
 * Undefined when no instant is chosen or this process already runs shifted;
 * otherwise the exit code of the shifted run.
 */
export async function runAtChosenInstant(instant: string | undefined): Promise<number | undefined> {
  if (!instant) return undefined;
  const target = Date.parse(instant);
  if (Number.isNaN(target) || !/(Z|[+-]\d\d:\d\d)$/.test(instant)) {
    console.error(`opsdeck tests: OPSDECK_TEST_NOW must be an ISO instant with an offset, got "${instant}"`);
    return 2;
  }
  if (Deno.env.get("FAKETIME")) {
    console.log(`test clock: shifted, now ${new Date().toISOString()}`);
    return undefined;
  }
  const library = LIBFAKETIME.find((path) => exists(path));
  if (!library) {
    console.error("opsdeck tests: OPSDECK_TEST_NOW needs libfaketime (Debian: apt-get install faketime)");
    return 2;
  }
  // A relative offset, not an absolute start: every child process then reads
  // the same shifted clock, however late it starts.
  const offsetSeconds = Math.round((target - Date.now()) / 1000);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL("../run.ts", import.meta.url).pathname, ...Deno.args],
    env: {
      LD_PRELOAD: library,
      FAKETIME: `${offsetSeconds >= 0 ? "+" : ""}${offsetSeconds}s`,
      FAKETIME_DONT_FAKE_MONOTONIC: "1",
      FAKETIME_NO_CACHE: "1",
    },
    stdin: "null",
  }).spawn();
  return (await child.status).code;
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
