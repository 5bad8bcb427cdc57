import { assert, assertEquals, assertRejects } from "@std/assert";
import { loadConfig } from "../../services/platform/config.ts";
import { OutboundError, type SafeRequest, safeRequest } from "../../services/platform/net/http_client.ts";
import { probePolicy } from "../../services/platform/net/policy.ts";
import { staticResolver } from "../helpers/dns_server.ts";
import { startTargets, TARGETS_PROBE_ALLOW } from "../helpers/targets.ts";

const policy = probePolicy(loadConfig({ OPSDECK_PROBE_ALLOW: TARGETS_PROBE_ALLOW }), { publicOnly: false });
const text = (body: Uint8Array) => new TextDecoder().decode(body);

async function withTargets(fn: (t: Awaited<ReturnType<typeof startTargets>>) => Promise<void>, days?: number) {
  const targets = await startTargets({ certificateDays: days });
  try {
    await fn(targets);
  } finally {
    await targets.stop();
  }
}

async function refusal(req: SafeRequest): Promise<OutboundError> {
  const error = await assertRejects(() => safeRequest(req), OutboundError);
  return error as OutboundError;
}

Deno.test("safeRequest reads status, headers and body from the address it checked", () =>
  withTargets(async (t) => {
    const ok = await safeRequest({ url: t.ok, policy, timeoutMs: 2000 });
    assertEquals(ok.status, 200);
    assertEquals(text(ok.body), "status: ok");
    assertEquals(ok.address, "127.0.0.1");
    assertEquals(ok.truncated, false);
    assertEquals(ok.redirects, 0);
    assertEquals(ok.certificate, null);
    assert(ok.latencyMs >= 0 && ok.latencyMs < 2000);
    const fail = await safeRequest({ url: t.fail, policy, timeoutMs: 2000 });
    assertEquals([fail.status, text(fail.body)], [500, "internal error"]);
    const chunked = await safeRequest({ url: t.chunked, policy, timeoutMs: 2000 });
    assertEquals(text(chunked.body), "first chunk, then ok");
    const gzip = await safeRequest({ url: t.gzip, policy, timeoutMs: 2000 });
    assertEquals([text(gzip.body), gzip.truncated], ["compressed, and ok", false]);
  }));

Deno.test("safeRequest sends method, headers and body with the original Host header", () =>
  withTargets(async (t) => {
    const port = new URL(t.echo).port;
    const res = await safeRequest({
      url: `http://user:secret@targets.test:${port}/echo`,
      method: "post",
      headers: { "X-Probe": "1", "Content-Type": "application/json", Connection: "keep-alive" },
      body: '{"ping":true}',
      policy,
      resolver: staticResolver({ "targets.test": ["127.0.0.1"] }),
      timeoutMs: 2000,
    });
    const echo = JSON.parse(text(res.body));
    assertEquals(echo.method, "POST");
    assertEquals(echo.host, `targets.test:${port}`);
    assertEquals(echo.body, '{"ping":true}');
    assertEquals(echo.headers["x-probe"], "1");
    assertEquals(echo.headers["authorization"], `Basic ${btoa("user:secret")}`);
    assertEquals(res.url, `http://targets.test:${port}/echo`);
  }));

Deno.test("a slow target is measured, a hanging one times out and its socket is closed", () =>
  withTargets(async (t) => {
    const slow = await safeRequest({ url: t.slow(300), policy, timeoutMs: 2000 });
    assert(slow.latencyMs >= 290, `latency ${slow.latencyMs}`);
    const started = performance.now();
    const error = await refusal({ url: t.hang, policy, timeoutMs: 300 });
    const took = performance.now() - started;
    assertEquals([error.kind, error.message], ["timeout", "timed out after 300 ms"]);
    assert(took < 1000, `took ${took} ms`);
    for (let i = 0; i < 50 && t.hangOpen() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assertEquals(t.hangOpen(), 0, "the hang target still holds the connection");
  }));

Deno.test("a target that closes the connection and a closed port fail with a short detail", () =>
  withTargets(async (t) => {
    const closed = await refusal({ url: t.close, policy, timeoutMs: 2000 });
    assertEquals(closed.kind, "connect");
    assert(/connection (closed before a response|reset)/.test(closed.message), closed.message);
    const refused = await refusal({ url: `http://127.0.0.1:${t.tcp.closedPort}/`, policy, timeoutMs: 2000 });
    assertEquals([refused.kind, refused.message], ["connect", "connection refused"]);
  }));

Deno.test("bodies are read up to maxBodyBytes and no further", () =>
  withTargets(async (t) => {
    const res = await safeRequest({ url: t.big, policy, timeoutMs: 2000, maxBodyBytes: 64 * 1024 });
    assertEquals(res.truncated, true);
    assertEquals(res.body.length, 64 * 1024);
    const small = await safeRequest({ url: t.ok, policy, timeoutMs: 2000, maxBodyBytes: 6 });
    assertEquals([text(small.body), small.truncated], ["status", true]);
  }));

Deno.test("redirects: followed up to 3 hops, a 4th is an error, 0 returns the 3xx", () =>
  withTargets(async (t) => {
    const three = await safeRequest({ url: t.redirectChain(3), policy, timeoutMs: 2000 });
    assertEquals([three.status, three.redirects, text(three.body)], [200, 3, "status: ok"]);
    assertEquals(three.url, t.ok);
    const four = await refusal({ url: t.redirectChain(4), policy, timeoutMs: 2000 });
    assertEquals([four.kind, four.message], ["redirect", "more than 3 redirects"]);
    const none = await safeRequest({ url: t.redirectChain(1), policy, timeoutMs: 2000, maxRedirects: 0 });
    assertEquals([none.status, none.headers.get("location")], [302, "/ok"]);
  }));

Deno.test("a redirect to the metadata address is refused, naming the hop", () =>
  withTargets(async (t) => {
    const error = await refusal({ url: t.redirectToMetadata, policy, timeoutMs: 2000 });
    assertEquals(error.kind, "blocked");
    assertEquals(
      error.message,
      "redirect 1 to http://169.254.169.254/latest/meta-data/ refused by the probe policy: " +
        "169.254.169.254 is link-local (cloud metadata)",
    );
  }));

Deno.test("a hostname that resolves to 169.254.169.254 is refused before any connection", async () => {
  const resolver = staticResolver({
    "metadata.evil.test": ["169.254.169.254"],
    "mixed.evil.test": ["::ffff:169.254.169.254"],
  });
  const error = await refusal({ url: "http://metadata.evil.test/latest/", policy, resolver, timeoutMs: 2000 });
  assertEquals(error.kind, "blocked");
  assertEquals(
    error.message,
    "refused by the probe policy: 169.254.169.254 is link-local (cloud metadata) " +
      "(metadata.evil.test resolves to 169.254.169.254)",
  );
  const mapped = await refusal({ url: "http://mixed.evil.test/", policy, resolver, timeoutMs: 2000 });
  assertEquals(mapped.kind, "blocked");
  const unknown = await refusal({ url: "http://nowhere.test/", policy, resolver, timeoutMs: 2000 });
  assertEquals([unknown.kind, unknown.message], ["dns", "could not resolve nowhere.test"]);
});

Deno.test("the system resolver's answer is checked too: localhost is loopback, refused by default", async () => {
  const strict = probePolicy(loadConfig({}), { publicOnly: false });
  const error = await refusal({ url: "http://localhost:9/", policy: strict, timeoutMs: 2000 });
  assertEquals(error.kind, "blocked");
  assert(error.message.startsWith("refused by the probe policy: "), error.message);
  assert(error.message.includes("is loopback"), error.message);
});

Deno.test("literal addresses in any spelling are refused without a connection", async () => {
  const strict = probePolicy(loadConfig({}), { publicOnly: false });
  for (
    const url of [
      "http://0x7f.1:9/",
      "http://2130706433:9/",
      "http://[::ffff:127.0.0.1]:9/",
      "http://[::ffff:7f00:1]:9/",
      "http://good.example@169.254.169.254/",
      "http://0251.0376.0251.0376/",
    ]
  ) {
    const error = await refusal({ url, policy: strict, timeoutMs: 2000 });
    assertEquals(error.kind, "blocked", url);
  }
  const scheme = await refusal({ url: "file:///etc/passwd", policy, timeoutMs: 2000 });
  assertEquals([scheme.kind, scheme.message], ["blocked", "file: refused: only http: and https: URLs"]);
});

Deno.test("client users' requests to 10.0.0.1 and 127.0.0.1 are refused", async () => {
  const clientPolicy = probePolicy(loadConfig({ OPSDECK_PROBE_ALLOW: TARGETS_PROBE_ALLOW }), { publicOnly: true });
  for (const url of ["http://10.0.0.1/", "http://127.0.0.1/"]) {
    const error = await refusal({ url, policy: clientPolicy, timeoutMs: 2000 });
    assertEquals(error.kind, "blocked", url);
  }
});

Deno.test("no DNS rebinding: the name is resolved once and the connection goes to the checked address", () =>
  withTargets(async (t) => {
    const port = new URL(t.ok).port;
    let calls = 0;
    const rebinding = staticResolver({ "rebind.test": () => ++calls === 1 ? ["127.0.0.1"] : ["169.254.169.254"] });
    const res = await safeRequest({
      url: `http://rebind.test:${port}/ok`,
      policy,
      resolver: rebinding,
      timeoutMs: 2000,
    });
    assertEquals([res.status, res.address, calls], [200, "127.0.0.1", 1]);

    // The other way round: a public first answer, then loopback. We connect to the
    // public address we checked (unreachable here), never to the local target.
    let calls2 = 0;
    const strict = probePolicy(loadConfig({}), { publicOnly: false });
    const sneaky = staticResolver({ "sneaky.test": () => ++calls2 === 1 ? ["198.51.100.20"] : ["127.0.0.1"] });
    const publicPolicy = { ...strict, allow: ["198.51.100.0/24"] };
    const before = t.hits("/ok");
    await assertRejects(() =>
      safeRequest({ url: `http://sneaky.test:${port}/ok`, policy: publicPolicy, resolver: sneaky, timeoutMs: 300 })
    );
    assertEquals([calls2, t.hits("/ok") - before], [1, 0]);
  }));

Deno.test("an aborted signal stops the request with kind aborted", () =>
  withTargets(async (t) => {
    const controller = new AbortController();
    const pending = safeRequest({ url: t.hang, policy, timeoutMs: 5000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await assertRejects(() => pending, OutboundError);
    assertEquals((error as OutboundError).kind, "aborted");
  }));

Deno.test("a name with several addresses falls back to the next one that accepts", () =>
  withTargets(async (t) => {
    const port = new URL(t.ok).port;
    const resolver = staticResolver({ "dual.test": ["127.0.0.2", "127.0.0.1"] });
    const res = await safeRequest({ url: `http://dual.test:${port}/ok`, policy, resolver, timeoutMs: 2000 });
    assertEquals([res.status, res.address], [200, "127.0.0.1"]);
  }));

Deno.test("https to a port that speaks plain HTTP fails as a TLS problem", () =>
  withTargets(async (t) => {
    const error = await refusal({ url: t.ok.replace("http:", "https:"), policy, timeoutMs: 2000 });
    assertEquals(error.kind, "tls");
    assert(error.message.startsWith("TLS: "), error.message);
  }));
