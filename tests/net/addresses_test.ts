import { assertEquals } from "@std/assert";
import {
  classify,
  embeddedIpv4,
  formatIp,
  inCidr,
  parseCidr,
  parseIp,
  parseLegacyIpv4,
} from "../../services/platform/net/addresses.ts";

const v4 = (text: string) => {
  const bytes = parseLegacyIpv4(text);
  return bytes ? formatIp({ version: 4, bytes }) : null;
};

Deno.test("legacy IPv4 spellings all parse to the same address", () => {
  for (
    const spelling of [
      "127.0.0.1",
      "2130706433",
      "0x7f000001",
      "0x7f.1",
      "0177.0.0.1",
      "127.1",
      "127.0.1",
      "0x7F.0.0.1",
      "127.0.0.1.",
    ]
  ) {
    assertEquals(v4(spelling), "127.0.0.1", spelling);
  }
  assertEquals(v4("0xa9fea9fe"), "169.254.169.254");
  assertEquals(v4("2852039166"), "169.254.169.254");
  assertEquals(v4("0251.0376.0251.0376"), "169.254.169.254");
  assertEquals(v4("0"), "0.0.0.0");
});

Deno.test("legacy IPv4 parsing refuses names and out-of-range numbers", () => {
  for (
    const text of [
      "example.com",
      "127.0.0.1.nip.io",
      "256.1.1.1",
      "4294967296",
      "1.2.3.4.5",
      "08.1.1.1",
      "1.2.3.256",
      "",
    ]
  ) {
    assertEquals(v4(text), null, text);
  }
});

Deno.test("IPv6 parses and formats canonically", () => {
  const cases: [string, string][] = [
    ["::1", "::1"],
    ["[::1]", "::1"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["::ffff:127.0.0.1", "::ffff:7f00:1"],
    ["::FFFF:7F00:1", "::ffff:7f00:1"],
    ["fd00:ec2::254", "fd00:ec2::254"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["fe80::1", "fe80::1"],
  ];
  for (const [input, expected] of cases) assertEquals(formatIp(parseIp(input)!), expected, input);
  for (const bad of ["1::2::3", "12345::", "::g", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "::1.2.3"]) {
    assertEquals(parseIp(bad), null, bad);
  }
});

Deno.test("IPv4 hidden in IPv6 is found: mapped, compatible, NAT64, 6to4, Teredo", () => {
  const hidden = (text: string) => embeddedIpv4(parseIp(text)!).map(formatIp);
  assertEquals(hidden("::ffff:169.254.169.254"), ["169.254.169.254"]);
  assertEquals(hidden("::ffff:7f00:1"), ["127.0.0.1"]);
  assertEquals(hidden("::127.0.0.1"), ["127.0.0.1"]);
  assertEquals(hidden("64:ff9b::a9fe:a9fe"), ["169.254.169.254"]);
  assertEquals(hidden("64:ff9b:1::7f00:1"), ["127.0.0.1"]);
  assertEquals(hidden("2002:7f00:1::1"), ["127.0.0.1"]);
  assertEquals(hidden("2001:0:4136:e378:8000:63bf:80ff:fffe"), ["127.0.0.1"]);
  assertEquals(hidden("::1"), []);
  assertEquals(hidden("2606:4700::1111"), []);
});

Deno.test("CIDR matching respects the prefix and the family", () => {
  const ten = parseCidr("10.0.0.0/8")!;
  assertEquals(inCidr(parseIp("10.255.1.2")!, ten), true);
  assertEquals(inCidr(parseIp("11.0.0.1")!, ten), false);
  assertEquals(inCidr(parseIp("::ffff:10.0.0.1")!, ten), false);
  const odd = parseCidr("172.16.0.0/12")!;
  assertEquals(inCidr(parseIp("172.31.255.255")!, odd), true);
  assertEquals(inCidr(parseIp("172.32.0.0")!, odd), false);
  assertEquals(inCidr(parseIp("fd12::1")!, parseCidr("fc00::/7")!), true);
  assertEquals(parseCidr("10.0.0.0/33"), null);
  assertEquals(parseCidr("192.168.1.7")!.prefix, 32);
});

Deno.test("special-purpose ranges are classified", () => {
  const kind = (text: string) => classify(parseIp(text)!).kind;
  assertEquals(kind("169.254.169.254"), "metadata");
  assertEquals(kind("fd00:ec2::254"), "metadata");
  assertEquals(kind("169.254.1.1"), "link-local");
  assertEquals(kind("fe80::1"), "link-local");
  assertEquals(kind("0.0.0.0"), "unspecified");
  assertEquals(kind("0.1.2.3"), "unspecified");
  assertEquals(kind("::"), "unspecified");
  assertEquals(kind("224.0.0.1"), "multicast");
  assertEquals(kind("ff02::1"), "multicast");
  assertEquals(kind("255.255.255.255"), "broadcast");
  assertEquals(kind("127.8.9.10"), "loopback");
  assertEquals(kind("::1"), "loopback");
  assertEquals(kind("10.0.0.1"), "private");
  assertEquals(kind("100.64.0.1"), "private");
  assertEquals(kind("fd12:3456::1"), "private");
  assertEquals(kind("8.8.8.8"), "public");
  assertEquals(kind("2606:4700:4700::1111"), "public");
});
