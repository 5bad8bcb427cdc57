import { assertEquals, assertThrows } from "@std/assert";
import { ConfigError, loadConfig } from "../../services/platform/config.ts";

const OIDC = { OIDC_ISSUER: "https://idp.example.com", OIDC_CLIENT_ID: "opsdeck", OIDC_CLIENT_SECRET: "s3cret" };

Deno.test("OIDC just-in-time settings land in config.oidc, domains lower-cased", () => {
  const config = loadConfig({
    ...OIDC,
    OIDC_DEFAULT_ROLE: "employee",
    OIDC_TENANT: "acme",
    OIDC_ALLOWED_DOMAINS: "Example.com, ops.example.org",
  });
  assertEquals(config.oidc, {
    issuer: "https://idp.example.com",
    clientId: "opsdeck",
    clientSecret: "s3cret",
    defaultRole: "employee",
    tenantSlug: "acme",
    allowedDomains: ["example.com", "ops.example.org"],
  });
});

Deno.test("bad OIDC just-in-time settings stop start-up with one line naming the variable", async (t) => {
  const cases: [string, Record<string, string>, string][] = [
    ["role without tenant", { ...OIDC, OIDC_DEFAULT_ROLE: "employee" }, "OIDC_TENANT"],
    ["tenant without role", { ...OIDC, OIDC_TENANT: "acme" }, "OIDC_DEFAULT_ROLE"],
    ["role without issuer", { OIDC_DEFAULT_ROLE: "employee", OIDC_TENANT: "acme" }, "OIDC_TENANT"],
    ["client role", { ...OIDC, OIDC_DEFAULT_ROLE: "Client", OIDC_TENANT: "acme" }, "OIDC_DEFAULT_ROLE"],
    ["tenant that is not a slug", { ...OIDC, OIDC_DEFAULT_ROLE: "employee", OIDC_TENANT: "Acme Inc" }, "OIDC_TENANT"],
    ["domains without role", { ...OIDC, OIDC_ALLOWED_DOMAINS: "example.com" }, "OIDC_ALLOWED_DOMAINS"],
    [
      "a domain that is not one",
      { ...OIDC, OIDC_DEFAULT_ROLE: "employee", OIDC_TENANT: "acme", OIDC_ALLOWED_DOMAINS: "@example.com" },
      "OIDC_ALLOWED_DOMAINS",
    ],
  ];
  for (const [name, env, variable] of cases) {
    await t.step(name, () => {
      const error = assertThrows(() => loadConfig(env), ConfigError);
      assertEquals((error as ConfigError).variable, variable);
    });
  }
});
