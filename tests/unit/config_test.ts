import { assertEquals, assertThrows } from "@std/assert";
import { ConfigError, loadConfig, redactUrl } from "../../services/platform/config.ts";
import { databaseEndpoints } from "../../services/platform/net/policy.ts";
import { writableTarget } from "../../db/client.ts";

Deno.test("loadConfig applies the documented defaults to an empty environment", () => {
  const config = loadConfig({});
  assertEquals(config.port, 8080);
  assertEquals(config.host, "0.0.0.0");
  assertEquals(config.dataDir, "./data");
  assertEquals(config.databaseUrl, undefined);
  assertEquals(config.logLevel, "info");
  assertEquals(config.probeAllow, []);
});

Deno.test("loadConfig names the variable and the problem for a bad value", async (t) => {
  const cases: [Record<string, string>, string][] = [
    [{ PORT: "http" }, "PORT:"],
    [{ PORT: "70000" }, "PORT:"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL: must be a URL starting with postgres:// or postgresql://"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL:"],
    [{ OPSDECK_SECRET: "short" }, "OPSDECK_SECRET: must be at least 32 characters"],
    [{ OPSDECK_PROBE_DENY: "10.0.0.0/8, nonsense" }, 'OPSDECK_PROBE_DENY: "nonsense" is not a CIDR range'],
    [
      { OPSDECK_ADMIN_EMAIL: "a@example.com" },
      "OPSDECK_ADMIN_PASSWORD: OPSDECK_ADMIN_EMAIL and OPSDECK_ADMIN_PASSWORD",
    ],
    [{ OIDC_ISSUER: "https://id.example.com" }, "OIDC_CLIENT_ID: OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET"],
    [{ SMTP_URL: "ftp://mail" }, "SMTP_URL:"],
  ];
  for (const [env, expected] of cases) {
    await t.step(`${Object.keys(env).join(",")}=${Object.values(env).join(",")}`, () => {
      const error = assertThrows(() => loadConfig(env), ConfigError);
      assertEquals(error.message.startsWith(expected), true, `${error.message} should start with ${expected}`);
    });
  }
});

Deno.test("loadConfig never echoes a secret's value in its message", () => {
  const error = assertThrows(() => loadConfig({ DATABASE_URL: "not a url with hunter2" }), ConfigError);
  assertEquals(error.message.includes("hunter2"), false);
});

Deno.test("loadConfig reads *_FILE variants and refuses both forms at once", async () => {
  const file = await Deno.makeTempFile();
  await Deno.writeTextFile(file, "postgres://u:p@db:5432/opsdeck\n");
  assertEquals(loadConfig({ DATABASE_URL_FILE: file }).databaseUrl, "postgres://u:p@db:5432/opsdeck");
  assertThrows(
    () => loadConfig({ DATABASE_URL_FILE: file, DATABASE_URL: "postgres://x/y" }),
    ConfigError,
    "DATABASE_URL_FILE: cannot be used together with DATABASE_URL",
  );
  assertThrows(
    () => loadConfig({ OPSDECK_SECRET_FILE: "/nonexistent/secret" }),
    ConfigError,
    "OPSDECK_SECRET_FILE: cannot read",
  );
  await Deno.remove(file);
});

Deno.test("loadConfig parses CIDR lists and treats empty strings as unset", () => {
  const config = loadConfig({ OPSDECK_PROBE_ALLOW: "10.0.0.0/8, fd00::/8", PORT: "" });
  assertEquals(config.probeAllow, ["10.0.0.0/8", "fd00::/8"]);
  assertEquals(config.port, 8080);
});

Deno.test("a multi-host DATABASE_URL (failover) is accepted, redacted whole, and every host is protected", () => {
  const url = "postgres://u:hunter2@db1:5432,db2:5433/opsdeck?target_session_attrs=read-write";
  assertEquals(loadConfig({ DATABASE_URL: url }).databaseUrl, url);
  assertEquals(redactUrl(url), "postgres://u:***@db1:5432,db2:5433/opsdeck?target_session_attrs=read-write");
  assertEquals(databaseEndpoints(url), [{ host: "db1", port: 5432 }, { host: "db2", port: 5433 }]);
  assertThrows(() => loadConfig({ DATABASE_URL: "mysql://a,b/c" }), ConfigError, "DATABASE_URL");
});

Deno.test("a read-write multi-host URL asks postgres.js for the primary, which refuses a hot standby", () => {
  const url = "postgres://opsdeck@127.0.0.1:5432,127.0.0.1:5433/opsdeck?target_session_attrs=read-write";
  assertEquals(writableTarget(url), "primary");
  assertEquals(writableTarget("postgres://opsdeck@127.0.0.1/opsdeck?target_session_attrs=read-only"), undefined);
  assertEquals(writableTarget("postgres://opsdeck@127.0.0.1/opsdeck"), undefined);
});
