/**
 * `deno task openapi:lint`: the document as the app serves it, linted by Redocly CLI's recommended rules (the
 * npm package pinned in deno.json, run by Deno). Exits non-zero on any error. Warnings left on purpose are listed
 * in docs/api.md.
 */
import { openApiDocument } from "./openapi_dump.ts";

const dir = await Deno.makeTempDir({ prefix: "opsdeck-openapi-" });
try {
  const file = `${dir}/openapi.json`;
  await Deno.writeTextFile(file, await openApiDocument());
  // The npm specifier with its pinned version, so `deno run` starts the package's bin.
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  const redocly: string = config.imports["@redocly/cli"];
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", redocly, "lint", "--extends", "recommended", "--format", "stylish", file],
    // No telemetry or update check from CI.
    env: { REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  Deno.exitCode = code;
} finally {
  await Deno.remove(dir, { recursive: true });
}
