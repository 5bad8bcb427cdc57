/**
 * `main.ts` as a user runs it: a real process, real signals, real ports.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createTestDatabase } from "../helpers/db.ts";
import { freePort } from "../../db/embedded.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

function opsdeck(env: Record<string, string>, args: string[] = ["serve"]) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, ...args],
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      OPSDECK_SECRET: "cli-test-secret-cli-test-secret-000000",
      ...env,
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

async function run(env: Record<string, string>) {
  const out = await opsdeck(env).output();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  return { code: out.code, stderr, lines: stderr.split("\n").filter(Boolean) };
}

/** Starts a server and resolves once it prints its "listening" line. */
async function start(env: Record<string, string>) {
  const child = opsdeck(env).spawn();
  const output: string[] = [];
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const listening = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        const stderr = await new Response(child.stderr).text();
        throw new Error(`exited before listening:\n${output.join("")}${stderr}`);
      }
      output.push(value);
      if (output.join("").includes("listening on")) return;
    }
  })();
  await listening;
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      output.push(value);
    }
  })();
  return { child, output, rest };
}

Deno.test("a bad config value ends start-up with exit 1 and one line naming the variable", async () => {
  const result = await run({ PORT: "eighty" });
  assertEquals(result.code, 1);
  assertEquals(result.lines.length, 1, result.stderr);
  assertStringIncludes(result.lines[0], "opsdeck: error: PORT:");
});

Deno.test("an unreachable DATABASE_URL ends start-up with one clear line", async () => {
  const port = freePort();
  const result = await run({ DATABASE_URL: `postgres://u:hunter2@127.0.0.1:${port}/x`, OPSDECK_DB_WAIT_SECONDS: "0" });
  assertEquals(result.code, 1);
  assertEquals(result.lines.length, 1, result.stderr);
  assertStringIncludes(result.lines[0], "opsdeck: error: cannot connect to the database at postgres://u:***@127.0.0.1");
  assertEquals(result.stderr.includes("hunter2"), false);
});

Deno.test("a busy port ends start-up with one clear line", async () => {
  const { url, sql } = await createTestDatabase();
  await sql.end();
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const result = await run({ DATABASE_URL: url, HOST: "127.0.0.1", PORT: String((busy.addr as Deno.NetAddr).port) });
    assertEquals(result.code, 1);
    assertEquals(result.lines.length, 1, result.stderr);
    assertStringIncludes(result.lines[0], "the address is already in use");
  } finally {
    busy.close();
  }
});

Deno.test("SIGTERM lets an in-flight request finish, then the process exits 0", async () => {
  const { url, sql } = await createTestDatabase();
  const port = freePort();
  const server = await start({ DATABASE_URL: url, HOST: "127.0.0.1", PORT: String(port) });
  const base = `http://127.0.0.1:${port}`;
  assertEquals((await fetch(`${base}/readyz`).then((r) => r.json())).ready, true);
  // Hold a lock that /readyz's query waits on, so the request is surely in flight when SIGTERM lands.
  let inFlight!: Promise<Response>;
  await sql.begin(async (tx) => {
    await tx`LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE`;
    inFlight = fetch(`${base}/readyz`);
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
  });
  const res = await inFlight;
  assertEquals(res.status, 200);
  assertEquals((await res.json()).ready, true);
  const status = await server.child.status;
  await server.rest;
  assertEquals(status.code, 0);
  const text = server.output.join("");
  assertStringIncludes(text, "SIGTERM: shutting down");
  const lines = text.split("\n").filter(Boolean).map((line) => JSON.parse(line));
  assertEquals(lines.at(-1).msg, "stopped");
  assert(lines.some((l) => l.msg.startsWith("listening on")));
  // The /readyz probe above is not an info line.
  assertEquals(lines.filter((l) => l.path === "/readyz").length, 0);
  await server.child.stderr.cancel();
  await sql.end();
});

Deno.test("with no DATABASE_URL an embedded PostgreSQL is initialised once and its data survives a restart", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "opsdeck-data-" });
  await Deno.chmod(dataDir, 0o755);
  try {
    const env = { OPSDECK_DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: String(freePort()) };
    const first = await start(env);
    assertStringIncludes(first.output.join(""), "initialised and started");
    const base = `http://127.0.0.1:${env.PORT}`;
    assertEquals((await fetch(`${base}/readyz`).then((r) => r.json())).ready, true);
    const home = await fetch(`${base}/`);
    assertEquals(home.status, 200);
    await home.body?.cancel();
    first.child.kill("SIGTERM");
    assertEquals((await first.child.status).code, 0);
    await first.rest;
    await first.child.stderr.cancel();

    const second = await start(env);
    const text = second.output.join("");
    assertStringIncludes(text, "embedded PostgreSQL started");
    assertStringIncludes(text, "(0 applied now)");
    second.child.kill("SIGTERM");
    assertEquals((await second.child.status).code, 0);
    await second.rest;
    await second.child.stderr.cancel();
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("OPSDECK_ADMIN_PASSWORD that is easy to guess ends start-up with one line; a good one creates the admin", async () => {
  const { url, sql } = await createTestDatabase();
  const weak = await run({
    DATABASE_URL: url,
    HOST: "127.0.0.1",
    PORT: String(freePort()),
    OPSDECK_ADMIN_EMAIL: "ops@example.com",
    OPSDECK_ADMIN_PASSWORD: "password123",
  });
  assertEquals(weak.code, 1);
  assertEquals(weak.lines.length, 1, weak.stderr);
  assertStringIncludes(weak.lines[0], "opsdeck: error: OPSDECK_ADMIN_PASSWORD:");

  const port = freePort();
  const server = await start({
    DATABASE_URL: url,
    HOST: "127.0.0.1",
    PORT: String(port),
    OPSDECK_ADMIN_EMAIL: "ops@example.com",
    OPSDECK_ADMIN_PASSWORD: "violet-anchor-drifts-42-quietly",
  });
  assertStringIncludes(server.output.join(""), "created the first tenant and its admin ops@example.com");
  const login = await fetch(`http://127.0.0.1:${port}/api/v1/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: "ops@example.com", password: "violet-anchor-drifts-42-quietly" }),
  });
  assertEquals(login.status, 201);
  await login.body?.cancel();
  server.child.kill("SIGTERM");
  assertEquals((await server.child.status).code, 0);
  await server.rest;
  await server.child.stderr.cancel();
  await sql.end();
});
