/**
 * The release image: the workflow parses and builds both architectures on a
 * tag, and the Dockerfile keeps one platform's PostgreSQL and no test-only
 * packages. (actionlint is not on npm; this parses the YAML with `yaml` and
 * checks what the workflow must do. GitHub's runners run it.)
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { parse } from "yaml";

const root = new URL("../../", import.meta.url);

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
}

Deno.test("the image workflow builds and pushes linux/amd64 and linux/arm64 to ghcr.io on a version tag", async () => {
  const workflow = parse(await Deno.readTextFile(new URL(".github/workflows/image.yml", root)));
  assertEquals(workflow.on.push.tags, ["v*.*.*"]);
  assertEquals(workflow.permissions.packages, "write");
  const steps: Step[] = Object.values(workflow.jobs as Record<string, { steps: Step[] }>).flatMap((j) => j.steps);
  const step = (action: string) => {
    const found = steps.find((s) => s.uses?.startsWith(`${action}@`));
    assert(found, `no ${action} step`);
    return found;
  };
  step("docker/setup-qemu-action");
  step("docker/setup-buildx-action");
  assertEquals(step("docker/login-action").with?.registry, "ghcr.io");
  const build = step("docker/build-push-action").with!;
  assertEquals(build.platforms, "linux/amd64,linux/arm64");
  assertEquals(build.push, true);
  assertStringIncludes(String(build["build-args"]), "OPSDECK_VERSION=");
  for (const s of steps) assert(s.uses === undefined || /@v\d+$/.test(s.uses), `${s.uses} is not pinned to a major`);
});

Deno.test("the Dockerfile keeps TARGETARCH's PostgreSQL and drops test-only packages", async () => {
  const dockerfile = await Deno.readTextFile(new URL("Dockerfile", root));
  assertStringIncludes(dockerfile, "ARG TARGETARCH");
  assertStringIncludes(dockerfile, "amd64) keep=linux-x64");
  assertStringIncludes(dockerfile, "arm64) keep=linux-arm64");
  assertStringIncludes(dockerfile, "--node-modules-dir=manual");
  const imports = Object.keys(JSON.parse(await Deno.readTextFile(new URL("deno.json", root))).imports);
  const pruned = dockerfile.match(/for package in ([^;]+);/)?.[1].split(/\s+/) ?? [];
  for (const testOnly of ["playwright-core", "smtp-server", "@readme/openapi-parser"]) {
    assert(imports.includes(testOnly), `${testOnly} left deno.json: update the Dockerfile's list`);
    assert(pruned.includes(testOnly), `${testOnly} would ship in the image`);
  }
});
