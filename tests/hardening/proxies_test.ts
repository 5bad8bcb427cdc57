/**
 * Behind a reverse proxy (OPSDECK_TRUSTED_PROXIES): the client's address is
 * read right to left through trusted hops only, and X-Forwarded-Proto/Host
 * count only from a trusted peer. The app listens on 127.0.0.1, so the test
 * client's socket is the "proxy".
 */
import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { serveTestApp } from "../helpers/app.ts";
import { genUser, GOOD_PASSWORD } from "../helpers/fixtures.ts";
import { ConfigError, loadConfig } from "../../services/platform/config.ts";
import { resolveClient, trustedProxies } from "../../services/platform/net/forwarded.ts";

const served = await serveTestApp();
const sql = served.db.sql;
const tenant = (await sql`INSERT INTO tenants (name, slug) VALUES ('Proxy', 'proxy') RETURNING id`)[0];
const user = await genUser(sql, tenant.id, { role: "admin", email: "proxy-admin@example.com" });

function trust(cidrs: string) {
  served.deps.config = { ...served.deps.config, trustedProxies: cidrs ? cidrs.split(",") : [] };
}

async function signIn(headers: Record<string, string>) {
  const res = await fetch(`${served.url}/api/v1/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ email: user.email, password: GOOD_PASSWORD }),
  });
  await res.body?.cancel();
  assertEquals(res.status, 201);
  const [audit] = await sql`SELECT host(ip) AS ip FROM audits WHERE action = 'session.login'
    AND tenant_id = ${tenant.id} ORDER BY seq DESC LIMIT 1`;
  return { ip: audit.ip as string, cookie: res.headers.get("Set-Cookie") ?? "" };
}

Deno.test("audits show the client behind trusted proxies, never an address the client wrote itself", async () => {
  trust("127.0.0.1/32,10.0.0.0/8");
  assertEquals((await signIn({ "X-Forwarded-For": "6.6.6.6, 203.0.113.9, 10.0.0.5" })).ip, "203.0.113.9");
  assertEquals((await signIn({ Forwarded: 'for=6.6.6.6, for="[2001:db8::7]:4711";proto=https' })).ip, "2001:db8::7");
  trust("");
  assertEquals((await signIn({ "X-Forwarded-For": "203.0.113.9" })).ip, "127.0.0.1");
});

Deno.test("X-Forwarded-Proto makes cookies Secure only when a trusted proxy says so", async () => {
  trust("127.0.0.1/32");
  const secure = await signIn({ "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9" });
  assertStringIncludes(secure.cookie, "__Host-opsdeck_session=");
  assertStringIncludes(secure.cookie, "Secure");
  trust("10.0.0.0/8");
  const plain = await signIn({ "X-Forwarded-Proto": "https" });
  assertEquals(plain.cookie.includes("Secure"), false);
  assertEquals(plain.ip, "127.0.0.1");
});

Deno.test("resolveClient: untrusted peers, all-trusted chains and garbage", () => {
  const trusted = trustedProxies(["10.0.0.0/8", "::1/128"]);
  const h = (init: Record<string, string>) => new Headers(init);
  assertEquals(resolveClient("198.51.100.1", h({ "X-Forwarded-For": "1.2.3.4" }), trusted).ip, "198.51.100.1");
  assertEquals(resolveClient("10.0.0.1", h({ "X-Forwarded-For": "10.0.0.9, 10.0.0.8" }), trusted).ip, "10.0.0.9");
  assertEquals(resolveClient("10.0.0.1", h({ "X-Forwarded-For": "1.2.3.4, junk" }), trusted).ip, "10.0.0.1");
  assertEquals(resolveClient("::1", h({ "X-Forwarded-For": "192.0.2.4:5050" }), trusted).ip, "192.0.2.4");
  const view = resolveClient(
    "10.0.0.1",
    h({ "X-Forwarded-Host": "ops.example.com", "X-Forwarded-Proto": "https" }),
    trusted,
  );
  assertEquals([view.host, view.proto], ["ops.example.com", "https"]);
  assertEquals(resolveClient("10.0.0.1", h({ "X-Forwarded-Host": "evil.test/phish" }), trusted).host, undefined);
});

Deno.test("OPSDECK_TRUSTED_PROXIES: a bad range is one clear error line", () => {
  const error = assertThrows(() => loadConfig({ OPSDECK_TRUSTED_PROXIES: "10.0.0.0/8, proxy.local" }), ConfigError);
  assertEquals(
    error.message,
    'OPSDECK_TRUSTED_PROXIES: "proxy.local" is not a CIDR range such as 10.0.0.0/8 or fd00::/8 (got "10.0.0.0/8, proxy.local")',
  );
  assertEquals(loadConfig({ OPSDECK_TRUSTED_PROXIES: "10.0.0.0/8,::1/128" }).trustedProxies, ["10.0.0.0/8", "::1/128"]);
});

Deno.test("stop the server", async () => {
  await served.stop();
});
