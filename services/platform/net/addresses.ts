/**
 * IP addresses as bytes: parsing every textual form a URL or a TCP target may
 * use, CIDR matching, the IPv4 addresses hidden inside IPv6 ones, and the
 * special-purpose ranges the outbound policy cares about. No DNS here.
 */

export interface IpAddress {
  version: 4 | 6;
  bytes: Uint8Array;
}

/** Strict dotted-quad or RFC 4291 IPv6 text (brackets allowed); null for anything else. */
export function parseIp(text: string): IpAddress | null {
  const value = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (value.includes(":")) {
    const bytes = parseIpv6(value);
    return bytes ? { version: 6, bytes } : null;
  }
  const bytes = parseDottedQuad(value);
  return bytes ? { version: 4, bytes } : null;
}

/**
 * The IPv4 number forms that WHATWG URLs and inet_aton(3) accept: 1 to 4
 * parts, each decimal, octal (leading 0) or hex (0x), the last part filling
 * the remaining bytes, one trailing dot allowed. `2130706433`, `0x7f.1`,
 * `0177.0.0.1` and `127.1` are all 127.0.0.1. Null when it is not a number form.
 */
export function parseLegacyIpv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length === 0 || parts.length > 4) return null;
  const numbers: number[] = [];
  for (const part of parts) {
    let n: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(part)) n = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]+$/.test(part)) n = parseInt(part.slice(1), 8);
    else if (/^(0|[1-9][0-9]*)$/.test(part)) n = Number(part);
    else return null;
    numbers.push(n);
  }
  const last = numbers.pop()!;
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) return null;
  const bytes = new Uint8Array(4);
  numbers.forEach((n, i) => bytes[i] = n);
  for (let i = 3, rest = last; i >= numbers.length; i--, rest = Math.floor(rest / 256)) bytes[i] = rest % 256;
  return bytes;
}

function parseDottedQuad(text: string): Uint8Array | null {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!match) return null;
  const octets = match.slice(1).map(Number);
  if (octets.some((o, i) => o > 255 || (match[i + 1].length > 1 && match[i + 1].startsWith("0")))) return null;
  return Uint8Array.from(octets);
}

function parseIpv6(text: string): Uint8Array | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === "") return [];
    const out: number[] = [];
    const items = half.split(":");
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes(".")) {
        const v4 = parseDottedQuad(item);
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) {
        out.push(parseInt(item, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) return null;
  const all = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

/** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as ::). */
export function formatIp(ip: IpAddress): string {
  if (ip.version === 4) return Array.from(ip.bytes).join(".");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((ip.bytes[i] << 8) | ip.bytes[i + 1]);
  let bestStart = -1, bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

export interface Cidr {
  version: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
  text: string;
}

export function parseCidr(text: string): Cidr | null {
  const [address, bits, extra] = text.trim().split("/");
  if (extra !== undefined) return null;
  const ip = parseIp(address);
  if (!ip) return null;
  const max = ip.version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { ...ip, prefix, text: text.trim() };
}

export function inCidr(ip: IpAddress, cidr: Cidr): boolean {
  if (ip.version !== cidr.version) return false;
  const full = cidr.prefix >> 3, rest = cidr.prefix & 7;
  for (let i = 0; i < full; i++) if (ip.bytes[i] !== cidr.bytes[i]) return false;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (ip.bytes[full] & mask) === (cidr.bytes[full] & mask);
}

/**
 * IPv4 addresses an IPv6 address carries and that a router or the kernel may
 * turn into an IPv4 connection: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible
 * (::a.b.c.d), NAT64 (64:ff9b::/96, 64:ff9b:1::/48), 6to4 (2002::/16) and
 * Teredo (2001:0::/32, client address inverted).
 */
export function embeddedIpv4(ip: IpAddress): IpAddress[] {
  if (ip.version !== 6) return [];
  const b = ip.bytes;
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4 = (bytes: ArrayLike<number>): IpAddress => ({ version: 4, bytes: Uint8Array.from(bytes) });
  const out: IpAddress[] = [];
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) out.push(v4(b.slice(12)));
  else if (zero(0, 12) && !zero(12, 14)) out.push(v4(b.slice(12)));
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) {
    if (zero(4, 12)) out.push(v4(b.slice(12)));
    else if (b[4] === 0 && b[5] === 1) out.push(v4(b.slice(12)));
  }
  if (b[0] === 0x20 && b[1] === 0x02) out.push(v4(b.slice(2, 6)));
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0 && b[3] === 0) out.push(v4(b.slice(12).map((x) => x ^ 0xff)));
  return out;
}

export type AddressClass =
  | "unspecified"
  | "link-local"
  | "metadata"
  | "multicast"
  | "broadcast"
  | "reserved"
  | "loopback"
  | "private"
  | "public";

interface Range {
  cidr: Cidr;
  kind: AddressClass;
  label: string;
}

const range = (text: string, kind: AddressClass, label: string): Range => ({ cidr: parseCidr(text)!, kind, label });

/** Most specific first: the first match names the address. */
const RANGES: Range[] = [
  range("169.254.169.254/32", "metadata", "link-local (cloud metadata)"),
  range("fd00:ec2::254/128", "metadata", "the AWS metadata service"),
  range("100.100.100.200/32", "metadata", "the Alibaba Cloud metadata service"),
  range("168.63.129.16/32", "metadata", "the Azure platform endpoint"),
  range("0.0.0.0/8", "unspecified", "in 0.0.0.0/8 (this network)"),
  range("::/128", "unspecified", "the unspecified address"),
  range("169.254.0.0/16", "link-local", "link-local"),
  range("fe80::/10", "link-local", "link-local"),
  range("224.0.0.0/4", "multicast", "multicast"),
  range("ff00::/8", "multicast", "multicast"),
  range("255.255.255.255/32", "broadcast", "the broadcast address"),
  range("240.0.0.0/4", "reserved", "reserved (240.0.0.0/4)"),
  range("127.0.0.0/8", "loopback", "loopback"),
  range("::1/128", "loopback", "loopback"),
  range("10.0.0.0/8", "private", "private (10.0.0.0/8)"),
  range("172.16.0.0/12", "private", "private (172.16.0.0/12)"),
  range("192.168.0.0/16", "private", "private (192.168.0.0/16)"),
  range("100.64.0.0/10", "private", "shared address space (100.64.0.0/10)"),
  range("fc00::/7", "private", "private (fc00::/7)"),
  range("192.0.0.0/24", "private", "IETF protocol assignments (192.0.0.0/24)"),
  range("192.0.2.0/24", "private", "documentation (192.0.2.0/24)"),
  range("198.51.100.0/24", "private", "documentation (198.51.100.0/24)"),
  range("203.0.113.0/24", "private", "documentation (203.0.113.0/24)"),
  range("198.18.0.0/15", "private", "benchmarking (198.18.0.0/15)"),
  range("2001:db8::/32", "private", "documentation (2001:db8::/32)"),
  range("100::/64", "private", "discard-only (100::/64)"),
];

export function classify(ip: IpAddress): { kind: AddressClass; label: string } {
  for (const r of RANGES) if (inCidr(ip, r.cidr)) return { kind: r.kind, label: r.label };
  return { kind: "public", label: "public" };
}
