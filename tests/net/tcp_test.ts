import { assert, assertEquals, assertRejects } from "@std/assert";
import { loadConfig } from "../../services/platform/config.ts";
import { OutboundError } from "../../services/platform/net/http_client.ts";
import { databaseUrlOf, probePolicy } from "../../services/platform/net/policy.ts";
import { staticResolver } from "../helpers/dns_server.ts";
import { tcpProbe } from "../../services/platform/net/tcp.ts";
import { startTargets, TARGETS_PROBE_ALLOW } from "../helpers/targets.ts";

const policy = probePolicy(loadConfig({ OPSDECK_PROBE_ALLOW: TARGETS_PROBE_ALLOW }), { publicOnly: false });

Deno.test("tcpProbe connects to an open port and reports the address and latency", async () => {
  const t = await startTargets();
  try {
    const result = await tcpProbe(t.tcp.host, t.tcp.openPort, { policy, timeoutMs: 2000 });
    assertEquals(result.address, "127.0.0.1");
    assert(result.latencyMs >= 0 && result.latencyMs < 2000);
    const named = await tcpProbe("svc.test", t.tcp.openPort, {
      policy,
      resolver: staticResolver({ "svc.test": ["127.0.0.1"] }),
      timeoutMs: 2000,
    });
    assertEquals(named.address, "127.0.0.1");
    const refused = await assertRejects(() => tcpProbe(t.tcp.host, t.tcp.closedPort, { policy, timeoutMs: 2000 }));
    assertEquals((refused as OutboundError).message, "connection refused");
  } finally {
    await t.stop();
  }
});

Deno.test("tcpProbe applies the policy to literals in any spelling and to resolved names", async () => {
  const strict = probePolicy(loadConfig({}), { publicOnly: false });
  for (
    const host of [
      "169.254.169.254",
      "0xa9fea9fe",
      "2852039166",
      "::ffff:a9fe:a9fe",
      "[::ffff:169.254.169.254]",
      "127.1",
      "::1",
    ]
  ) {
    const error = await assertRejects(() => tcpProbe(host, 80, { policy: strict, timeoutMs: 1000 }), OutboundError);
    assertEquals((error as OutboundError).kind, "blocked", host);
  }
  const resolver = staticResolver({ "meta.test": ["169.254.169.254"] });
  const error = await assertRejects(() => tcpProbe("meta.test", 80, { policy: strict, resolver, timeoutMs: 1000 }));
  assert((error as OutboundError).message.includes("cloud metadata"));
  const client = probePolicy(loadConfig({ OPSDECK_PROBE_ALLOW: TARGETS_PROBE_ALLOW }), { publicOnly: true });
  for (const host of ["10.0.0.1", "127.0.0.1"]) {
    const e = await assertRejects(() => tcpProbe(host, 80, { policy: client, timeoutMs: 1000 }), OutboundError);
    assertEquals((e as OutboundError).kind, "blocked", host);
  }
});

Deno.test("Opsdeck's own database is never a target, by address or by name", async () => {
  const config = loadConfig({ OPSDECK_PROBE_ALLOW: TARGETS_PROBE_ALLOW });
  const guarded = probePolicy(config, { publicOnly: false, databaseUrl: "postgres://u:p@db.internal:6543/opsdeck" });
  const resolver = staticResolver({ "db.internal": ["127.0.0.1"], "alias.test": ["127.0.0.1"] });
  for (const host of ["db.internal", "127.0.0.1", "alias.test"]) {
    const error = await assertRejects(() => tcpProbe(host, 6543, { policy: guarded, resolver, timeoutMs: 1000 }));
    assertEquals((error as OutboundError).kind, "blocked", host);
    assert((error as OutboundError).message.includes("Opsdeck's own database"), (error as Error).message);
  }
  const pool = { options: { host: ["127.0.0.1"], port: [55432] } };
  assertEquals(databaseUrlOf(pool), "postgres://127.0.0.1:55432");
  const embedded = probePolicy(config, { publicOnly: false, databaseUrl: databaseUrlOf(pool) });
  const error = await assertRejects(() => tcpProbe("127.0.0.1", 55432, { policy: embedded, timeoutMs: 1000 }));
  assertEquals((error as OutboundError).kind, "blocked");
});

Deno.test("the deadline covers name resolution too, and an aborted signal stops the probe", async () => {
  const hanging = () => new Promise<string[]>(() => {});
  const started = performance.now();
  const error = await assertRejects(
    () => tcpProbe("slow-dns.test", 80, { policy, resolver: hanging, timeoutMs: 200 }),
    OutboundError,
  );
  assertEquals([(error as OutboundError).kind, (error as Error).message], ["timeout", "timed out after 200 ms"]);
  assert(performance.now() - started < 1000);
  const aborted = await assertRejects(
    () => tcpProbe("127.0.0.1", 80, { policy, timeoutMs: 1000, signal: AbortSignal.abort() }),
    OutboundError,
  );
  assertEquals((aborted as OutboundError).kind, "aborted");
});
