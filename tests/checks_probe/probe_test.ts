import { assert, assertEquals } from "@std/assert";
import { loadConfig } from "../../services/platform/config.ts";
import { type ProbeDefinition, runProbe } from "../../services/checks/probe.ts";
import { staticResolver } from "../helpers/dns_server.ts";
import { httpProbe, startTargets, type Targets, TARGETS_PROBE_ALLOW } from "../helpers/targets.ts";

const config = loadConfig({ OPSDECK_PROBE_ALLOW: TARGETS_PROBE_ALLOW });

async function withTargets(fn: (t: Targets) => Promise<void>, certificateDays?: number) {
  const targets = await startTargets({ certificateDays });
  try {
    await fn(targets);
  } finally {
    await targets.stop();
  }
}

Deno.test("runProbe: 200 is up, 500 is down with the status in the detail", () =>
  withTargets(async (t) => {
    const up = await runProbe(httpProbe(t.ok, { keyword: "ok" }), { config });
    assertEquals([up.status, up.statusCode, up.detail, up.certificate], ["up", 200, null, null]);
    assert(up.latencyMs !== null && up.latencyMs >= 0);
    const down = await runProbe(httpProbe(t.fail), { config });
    assertEquals([down.status, down.statusCode, down.detail], ["down", 500, "expected status 200, got 500"]);
    const any2xx = await runProbe(httpProbe(t.status(204), { expected_status: [] }), { config });
    assertEquals(any2xx.status, "up");
    const listed = await runProbe(httpProbe(t.status(503), { expected_status: [200, 204, 503] }), { config });
    assertEquals(listed.status, "up");
    const notListed = await runProbe(httpProbe(t.status(418), { expected_status: [200, 204] }), { config });
    assertEquals(notListed.detail, "expected status 200 or 204, got 418");
  }));

Deno.test("runProbe: keyword missing, inverted keyword present, keyword past the read cap", () =>
  withTargets(async (t) => {
    const missing = await runProbe(httpProbe(t.noKeyword, { keyword: "ok" }), { config });
    assertEquals([missing.status, missing.detail], ["down", 'keyword "ok" not found']);
    const inverted = await runProbe(httpProbe(t.ok, { keyword: "ok", keyword_invert: true }), { config });
    assertEquals([inverted.status, inverted.detail], ["down", 'keyword "ok" found']);
    const invertedAbsent = await runProbe(httpProbe(t.noKeyword, { keyword: "error", keyword_invert: true }), {
      config,
    });
    assertEquals(invertedAbsent.status, "up");
    const big = await runProbe(httpProbe(t.big, { keyword: "ok" }), { config });
    assertEquals([big.status, big.detail], ["down", 'keyword "ok" not found']);
    const regexLike = await runProbe(httpProbe(t.ok, { keyword: "(a+)+$" }), { config });
    assertEquals(regexLike.detail, 'keyword "(a+)+$" not found');
  }));

Deno.test("runProbe: JSON path assertions compare as text", () =>
  withTargets(async (t) => {
    const cases: [string, string | null, string | null][] = [
      ["$.status", "ok", null],
      ["$.status", "fail", '$.status is "ok", expected "fail"'],
      ["$.count", "3", null],
      ["$.checks[0].healthy", "true", null],
      ["$.checks[0].name", "db", null],
      ["$['weird key']", "yes", null],
      ["$.missing", "x", "$.missing not found"],
      ["$.checks[5].name", "db", "$.checks[5].name not found"],
      ["$.status", null, null],
    ];
    for (const [jsonPath, jsonExpected, detail] of cases) {
      const outcome = await runProbe(httpProbe(t.json, { json_path: jsonPath, json_expected: jsonExpected }), {
        config,
      });
      assertEquals(outcome.detail, detail, `${jsonPath} = ${jsonExpected}`);
      assertEquals(outcome.status, detail ? "down" : "up");
    }
    const notJson = await runProbe(httpProbe(t.ok, { json_path: "$.status", json_expected: "ok" }), { config });
    assertEquals(notJson.detail, "the response is not JSON");
  }));

Deno.test("runProbe: slow answers are degraded above the threshold, hangs time out as down", () =>
  withTargets(async (t) => {
    const degraded = await runProbe(httpProbe(t.slow(250), { degraded_latency_ms: 100 }), { config });
    assertEquals(degraded.status, "degraded");
    assert(/^slow: \d+ ms, above 100 ms$/.test(degraded.detail ?? ""), degraded.detail ?? "");
    const fine = await runProbe(httpProbe(t.slow(50), { degraded_latency_ms: 1000 }), { config });
    assertEquals(fine.status, "up");
    const hang = await runProbe(httpProbe(t.hang, { timeout_ms: 300 }), { config });
    assertEquals([hang.status, hang.detail, hang.latencyMs], ["down", "timed out after 300 ms", null]);
    const close = await runProbe(httpProbe(t.close), { config });
    assertEquals(close.status, "down");
    assert(/^connection (closed before a response|reset)$/.test(close.detail ?? ""), close.detail ?? "");
  }));

Deno.test("runProbe: redirects followed when asked, else the 3xx is judged; metadata hop refused", () =>
  withTargets(async (t) => {
    assertEquals((await runProbe(httpProbe(t.redirectChain(2), { keyword: "ok" }), { config })).status, "up");
    const notFollowed = await runProbe(httpProbe(t.redirectChain(2), { follow_redirects: false }), { config });
    assertEquals([notFollowed.status, notFollowed.detail], ["down", "expected status 200, got 302"]);
    const accepted302 = await runProbe(
      httpProbe(t.redirectChain(2), { follow_redirects: false, expected_status: [302] }),
      {
        config,
      },
    );
    assertEquals(accepted302.status, "up");
    const metadata = await runProbe(httpProbe(t.redirectToMetadata), { config });
    assertEquals(metadata.status, "down");
    assertEquals(
      metadata.detail,
      "redirect 1 to http://169.254.169.254/latest/meta-data/ refused by the probe policy: " +
        "169.254.169.254 is link-local (cloud metadata)",
    );
  }));

Deno.test("runProbe: refused targets are down with the policy's reason, never thrown", async () => {
  const strict = loadConfig({});
  const metadata = await runProbe(httpProbe("http://169.254.169.254/latest/meta-data/"), { config: strict });
  assertEquals(metadata, {
    status: "down",
    latencyMs: null,
    statusCode: null,
    detail: "refused by the probe policy: 169.254.169.254 is link-local (cloud metadata)",
    certificate: null,
  });
  const resolver = staticResolver({ "meta.evil.test": ["169.254.169.254"] });
  const named = await runProbe(httpProbe("http://meta.evil.test/"), { config: strict, resolver });
  assertEquals(named.status, "down");
  assert(named.detail?.includes("cloud metadata"));
  const client = await runProbe(httpProbe("http://10.0.0.1/", { public_targets_only: true }), { config });
  assertEquals(
    client.detail,
    "refused by the probe policy: 10.0.0.1 is private (10.0.0.0/8), and client users may only check public addresses",
  );
  const clientLoopback = await runProbe(httpProbe("http://127.0.0.1/", { public_targets_only: true }), { config });
  assertEquals(clientLoopback.detail, "refused by the probe policy: 127.0.0.1 is loopback");
  const badUrl = await runProbe(httpProbe("javascript:alert(1)"), { config });
  assertEquals(badUrl.status, "down");
});

Deno.test("runProbe: TCP checks are up on an open port, down on a closed one", () =>
  withTargets(async (t) => {
    const tcp = (port: number): ProbeDefinition => ({
      ...httpProbe(""),
      type: "tcp",
      url: null,
      host: t.tcp.host,
      port,
    });
    const up = await runProbe(tcp(t.tcp.openPort), { config });
    assertEquals([up.status, up.statusCode, up.detail], ["up", null, null]);
    const down = await runProbe(tcp(t.tcp.closedPort), { config });
    assertEquals([down.status, down.detail], ["down", "connection refused"]);
  }));

Deno.test("runProbe: an expiring self-signed certificate is reported, verified with its CA or ignored", () =>
  withTargets(async (t) => {
    const resolver = staticResolver({ [t.https.hostname]: ["127.0.0.1"] });
    const verified = await runProbe(httpProbe(t.https.namedUrl, { keyword: "ok" }), {
      config,
      resolver,
      caCerts: [t.https.caPem],
    });
    assertEquals(verified.status, "up");
    assertEquals(verified.certificate?.notAfter.getTime(), t.https.notAfter.getTime());
    assertEquals(verified.certificate?.fingerprint256, t.https.fingerprint256);
    assertEquals(verified.certificate?.subject, "CN=probe.test");
    assertEquals(verified.certificate?.issuer, "CN=Opsdeck Test CA");
    const daysLeft = (verified.certificate!.notAfter.getTime() - Date.now()) / 86_400_000;
    assert(daysLeft > 4.9 && daysLeft <= 5, `${daysLeft} days left`);

    const untrusted = await runProbe(httpProbe(t.https.namedUrl), { config, resolver });
    assertEquals([untrusted.status, untrusted.certificate], ["down", null]);
    assert(untrusted.detail?.startsWith("TLS: "), untrusted.detail ?? "");

    const ignored = await runProbe(httpProbe(t.https.namedUrl, { verify_tls: false }), { config, resolver });
    assertEquals(ignored.status, "up");
    assertEquals(ignored.certificate?.fingerprint256, t.https.fingerprint256);

    const byIp = await runProbe(httpProbe(t.https.url), { config, caCerts: [t.https.caPem] });
    assertEquals(byIp.status, "up");

    const wrongName = await runProbe(httpProbe(t.https.namedUrl.replace("probe.test", "other.test")), {
      config,
      resolver: staticResolver({ "other.test": ["127.0.0.1"] }),
      caCerts: [t.https.caPem],
    });
    assertEquals([wrongName.status, wrongName.detail], ["down", "TLS: certificate is not valid for this host name"]);
  }));

Deno.test("runProbe: an expired certificate is down when verified, up and reported when not", () =>
  withTargets(async (t) => {
    const verified = await runProbe(httpProbe(t.https.url), { config, caCerts: [t.https.caPem] });
    const expiredOn = t.https.notAfter.toISOString().slice(0, 10);
    assertEquals([verified.status, verified.detail], ["down", `TLS: certificate expired on ${expiredOn}`]);
    const ignored = await runProbe(httpProbe(t.https.url, { verify_tls: false }), { config });
    assertEquals(ignored.status, "up");
    assert(ignored.certificate!.notAfter.getTime() < Date.now());
  }, -2));

Deno.test("runProbe: the switchable target turns from healthy to failing at run time", () =>
  withTargets(async (t) => {
    assertEquals((await runProbe(httpProbe(t.switchable), { config })).status, "up");
    t.setHealthy(false);
    assertEquals((await runProbe(httpProbe(t.switchable), { config })).detail, "expected status 200, got 500");
    t.setHealthy(true);
    assertEquals((await runProbe(httpProbe(t.switchable), { config })).status, "up");
    assertEquals(t.hits("/switch"), 3);
  }));
