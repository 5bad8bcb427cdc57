import { assert, assertEquals } from "@std/assert";
import { loadConfig } from "../../services/platform/config.ts";
import { targetProblem } from "../../services/checks/probe.ts";
import { probePolicy, refusalReason, webhookPolicy } from "../../services/platform/net/policy.ts";

const config = loadConfig({});
const staff = probePolicy(config, { publicOnly: false });
const client = probePolicy(config, { publicOnly: true });

Deno.test("default probe policy: public and private allowed for staff, the rest refused with a reason", () => {
  for (const address of ["8.8.8.8", "10.0.0.1", "172.16.5.4", "192.168.1.1", "100.64.0.1", "fd12::1", "2606:4700::1"]) {
    assertEquals(refusalReason(address, staff), null, address);
  }
  assertEquals(refusalReason("169.254.169.254", staff), "169.254.169.254 is link-local (cloud metadata)");
  assertEquals(refusalReason("fd00:ec2::254", staff), "fd00:ec2::254 is the AWS metadata service");
  assertEquals(refusalReason("169.254.10.1", staff), "169.254.10.1 is link-local");
  assertEquals(refusalReason("fe80::1", staff), "fe80::1 is link-local");
  assertEquals(refusalReason("0.0.0.0", staff), "0.0.0.0 is in 0.0.0.0/8 (this network)");
  assertEquals(refusalReason("224.0.0.251", staff), "224.0.0.251 is multicast");
  assertEquals(refusalReason("ff02::1", staff), "ff02::1 is multicast");
  assertEquals(refusalReason("255.255.255.255", staff), "255.255.255.255 is the broadcast address");
  assertEquals(refusalReason("127.0.0.1", staff), "127.0.0.1 is loopback");
  assertEquals(refusalReason("::1", staff), "::1 is loopback");
});

Deno.test("client users (publicOnly) are refused private and loopback addresses", () => {
  assertEquals(
    refusalReason("10.0.0.1", client),
    "10.0.0.1 is private (10.0.0.0/8), and client users may only check public addresses",
  );
  assertEquals(refusalReason("127.0.0.1", client), "127.0.0.1 is loopback");
  assert(refusalReason("192.168.0.10", client));
  assert(refusalReason("fd12::1", client));
  assertEquals(refusalReason("8.8.8.8", client), null);
});

Deno.test("IPv6 addresses carrying a refused IPv4 address are refused", () => {
  assertEquals(
    refusalReason("::ffff:a9fe:a9fe", staff),
    "::ffff:a9fe:a9fe carries 169.254.169.254 is link-local (cloud metadata)",
  );
  assert(refusalReason("::ffff:7f00:1", staff));
  assert(refusalReason("64:ff9b::7f00:1", staff));
  assert(refusalReason("2002:a9fe:a9fe::1", staff));
  assert(refusalReason("::ffff:a00:1", client));
  assertEquals(refusalReason("::ffff:808:808", client), null);
});

Deno.test("OPSDECK_PROBE_ALLOW re-allows loopback and private ranges but never metadata or link-local", () => {
  const allowing = probePolicy(loadConfig({ OPSDECK_PROBE_ALLOW: "127.0.0.0/8,169.254.0.0/16,::1/128" }), {
    publicOnly: false,
  });
  assertEquals(refusalReason("127.0.0.1", allowing), null);
  assertEquals(refusalReason("::1", allowing), null);
  assertEquals(refusalReason("169.254.169.254", allowing), "169.254.169.254 is link-local (cloud metadata)");
  assert(refusalReason("169.254.3.3", allowing));
  const clientAllowing = probePolicy(loadConfig({ OPSDECK_PROBE_ALLOW: "127.0.0.0/8,10.0.0.0/8" }), {
    publicOnly: true,
  });
  assert(refusalReason("127.0.0.1", clientAllowing), "the allow list does not apply to client users");
  assert(refusalReason("10.0.0.1", clientAllowing));
});

Deno.test("OPSDECK_PROBE_DENY beats the allow list and public addresses", () => {
  const policy = probePolicy(
    loadConfig({ OPSDECK_PROBE_DENY: "10.9.0.0/16,203.0.113.7/32,8.8.8.0/24", OPSDECK_PROBE_ALLOW: "10.9.0.0/16" }),
    { publicOnly: false },
  );
  assertEquals(refusalReason("10.9.1.1", policy), "10.9.1.1 is in OPSDECK_PROBE_DENY (10.9.0.0/16)");
  assertEquals(refusalReason("8.8.8.8", policy), "8.8.8.8 is in OPSDECK_PROBE_DENY (8.8.8.0/24)");
  assertEquals(
    refusalReason("::ffff:8.8.8.8", policy),
    "::ffff:808:808 carries 8.8.8.8 is in OPSDECK_PROBE_DENY (8.8.8.0/24)",
  );
  assertEquals(refusalReason("10.8.1.1", policy), null);
});

Deno.test("webhook policy: public only unless OPSDECK_WEBHOOK_ALLOW lists the range", () => {
  const hooks = webhookPolicy(loadConfig({ OPSDECK_WEBHOOK_ALLOW: "10.1.0.0/16" }));
  assertEquals(refusalReason("8.8.8.8", hooks), null);
  assertEquals(refusalReason("10.1.2.3", hooks), null);
  assertEquals(
    refusalReason("10.2.2.3", hooks),
    "10.2.2.3 is private (10.0.0.0/8), and webhooks may only reach public addresses (see OPSDECK_WEBHOOK_ALLOW)",
  );
  assert(refusalReason("127.0.0.1", hooks));
  assert(refusalReason("169.254.169.254", hooks));
});

Deno.test("targetProblem refuses the metadata address in every spelling a URL can carry", () => {
  const spellings = [
    "http://169.254.169.254/latest/meta-data/",
    "http://2852039166/",
    "http://0xa9fea9fe/",
    "http://0xa9.0xfe.0xa9.0xfe/",
    "http://0251.0376.0251.0376/",
    "http://169.254.43518/",
    "http://169.254.169.254./",
    "http://[::ffff:169.254.169.254]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://good.example@169.254.169.254/",
    "http://user:pass@169.254.169.254:80/",
    "https://169.254.169.254:443/",
    "HTTP://169.254.169.254/",
    "http://[fd00:ec2::254]/",
  ];
  for (const url of spellings) {
    const problem = targetProblem({ type: "http", url }, staff);
    assert(problem?.startsWith("refused by the probe policy: "), `${url}: ${problem}`);
  }
});

Deno.test("targetProblem refuses loopback spellings, and private ones for clients", () => {
  for (
    const url of [
      "http://2130706433/",
      "http://0x7f.1/",
      "http://0177.0.0.1/",
      "http://127.1/",
      "http://[::1]/",
      "http://[::ffff:7f00:1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://0/",
      "http://0.0.0.0:8080/",
    ]
  ) {
    assert(targetProblem({ type: "http", url }, staff), url);
  }
  assert(targetProblem({ type: "http", url: "http://10.0.0.1/" }, client));
  assert(targetProblem({ type: "http", url: "http://0xa000001/" }, client));
  assertEquals(targetProblem({ type: "http", url: "http://10.0.0.1/" }, staff), null);
  assertEquals(targetProblem({ type: "http", url: "https://example.com/health" }, client), null);
});

Deno.test("targetProblem: only http and https URLs, TCP hosts without port or path", () => {
  assertEquals(
    targetProblem({ type: "http", url: "ftp://example.com/" }, staff),
    "only http: and https: URLs can be checked",
  );
  assertEquals(
    targetProblem({ type: "http", url: "file:///etc/passwd" }, staff),
    "only http: and https: URLs can be checked",
  );
  assertEquals(
    targetProblem({ type: "http", url: "gopher://127.0.0.1:6379/_INFO" }, staff),
    "only http: and https: URLs can be checked",
  );
  assertEquals(
    targetProblem({ type: "http", url: "not a url" }, staff),
    "must be a URL such as https://example.com/health",
  );
  assertEquals(targetProblem({ type: "http", url: null }, staff), "a URL is required");
  assertEquals(targetProblem({ type: "tcp", host: "db.internal" }, staff), null);
  assertEquals(targetProblem({ type: "tcp", host: "10.0.0.5" }, staff), null);
  assertEquals(targetProblem({ type: "tcp", host: "fd00::5" }, staff), null);
  for (
    const host of [
      "169.254.169.254",
      "2852039166",
      "0xa9fea9fe",
      "[::ffff:a9fe:a9fe]",
      "::ffff:169.254.169.254",
      "fe80::1",
    ]
  ) {
    assert(targetProblem({ type: "tcp", host }, staff)?.startsWith("refused by the probe policy"), host);
  }
  assert(targetProblem({ type: "tcp", host: "10.0.0.1" }, client));
  assert(targetProblem({ type: "tcp", host: "127.0.0.1" }, client));
  for (const host of ["db:5432", "a/b", "user@host", "bad host", ""]) {
    assert(targetProblem({ type: "tcp", host }, staff), host);
  }
  assertEquals(targetProblem({ type: "heartbeat" }, staff), null);
});
