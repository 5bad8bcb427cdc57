import { assert, assertEquals, assertRejects } from "@std/assert";
import { loadConfig } from "../../services/platform/config.ts";
import { runProbe } from "../../services/checks/probe.ts";
import { OutboundError, safeRequest } from "../../services/platform/net/http_client.ts";
import { probePolicy } from "../../services/platform/net/policy.ts";
import { startDnsServer } from "../helpers/dns_server.ts";
import { httpProbe, startTargets, TARGETS_PROBE_ALLOW } from "../helpers/targets.ts";

const config = loadConfig({ OPSDECK_PROBE_ALLOW: TARGETS_PROBE_ALLOW });
const policy = probePolicy(config, { publicOnly: false });

Deno.test("a name a real DNS server resolves to 169.254.169.254 is refused", async () => {
  const dns = await startDnsServer({ "metadata.test": ["169.254.169.254"], "v6meta.test": ["fd00:ec2::254"] });
  try {
    const outcome = await runProbe(httpProbe("http://metadata.test/latest/meta-data/"), {
      config,
      resolver: dns.resolver,
    });
    assertEquals(outcome.status, "down");
    assertEquals(
      outcome.detail,
      "refused by the probe policy: 169.254.169.254 is link-local (cloud metadata) " +
        "(metadata.test resolves to 169.254.169.254)",
    );
    const v6 = await runProbe(httpProbe("http://v6meta.test/"), { config, resolver: dns.resolver });
    assertEquals(
      v6.detail,
      "refused by the probe policy: fd00:ec2::254 is the AWS metadata service (v6meta.test resolves to fd00:ec2::254)",
    );
    const unknown = await runProbe(httpProbe("http://nowhere.test/"), { config, resolver: dns.resolver });
    assertEquals(unknown.detail, "could not resolve nowhere.test");
  } finally {
    await dns.stop();
  }
});

Deno.test("DNS rebinding over real DNS (TTL 0): one query per run, the connection goes to the checked address", async () => {
  const targets = await startTargets();
  let answers = 0;
  const dns = await startDnsServer({ "rebind.test": () => ++answers === 1 ? ["127.0.0.1"] : ["169.254.169.254"] });
  try {
    const port = new URL(targets.ok).port;
    const first = await safeRequest({
      url: `http://rebind.test:${port}/ok`,
      policy,
      resolver: dns.resolver,
      timeoutMs: 2000,
    });
    assertEquals([first.status, first.address, dns.queries("rebind.test")], [200, "127.0.0.1", 1]);
    // The next run asks again and gets the rebound answer: refused, nothing connects.
    const before = targets.hits("/ok");
    const error = await assertRejects(
      () => safeRequest({ url: `http://rebind.test:${port}/ok`, policy, resolver: dns.resolver, timeoutMs: 2000 }),
      OutboundError,
    );
    assertEquals((error as OutboundError).kind, "blocked");
    assert((error as Error).message.includes("169.254.169.254"));
    assertEquals([dns.queries("rebind.test"), targets.hits("/ok") - before], [2, 0]);
  } finally {
    await dns.stop();
    await targets.stop();
  }
});
