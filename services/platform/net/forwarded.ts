/**
 * Who is really calling, behind reverse proxies listed in
 * OPSDECK_TRUSTED_PROXIES. The socket's peer is the first hop; only when it
 * is trusted do `Forwarded` (RFC 7239) or `X-Forwarded-For` count, read from
 * the right (the hop nearest us) and only through trusted hops: the first
 * untrusted address is the client. Anything further left was written by the
 * client itself and is ignored. `X-Forwarded-Proto`/`-Host` (or the
 * `proto`/`host` of `Forwarded`) are taken from the nearest entry, and only
 * from a trusted peer.
 */
import { formatIp, inCidr, parseCidr, parseIp } from "./addresses.ts";

export interface ClientView {
  ip: string;
  /** "https" or "http" as the client used it; undefined when no trusted proxy said. */
  proto?: string;
  host?: string;
}

export type TrustedProxies = (address: string) => boolean;

/** A membership test over CIDRs (already validated by services/config.ts). */
export function trustedProxies(cidrs: readonly string[]): TrustedProxies {
  const ranges = cidrs.map(parseCidr).filter((c) => c !== null);
  return (address) => {
    const ip = parseIp(address);
    return ip !== null && ranges.some((range) => inCidr(ip, range));
  };
}

export function resolveClient(peer: string, headers: Headers, trusted: TrustedProxies): ClientView {
  const peerIp = canonical(peer) ?? peer;
  if (!trusted(peerIp)) return { ip: peerIp };
  const hops = forwardedHops(headers);
  let ip = peerIp;
  for (let i = hops.for.length - 1; i >= 0; i--) {
    const hop = canonical(hops.for[i]);
    if (!hop) break;
    ip = hop;
    if (!trusted(hop)) break;
  }
  return { ip, proto: hops.proto, host: hops.host };
}

function forwardedHops(headers: Headers): { for: string[]; proto?: string; host?: string } {
  const forwarded = headers.get("Forwarded");
  if (forwarded) {
    const elements = forwarded.split(",").map(parseElement);
    const last = elements.at(-1) ?? {};
    return { for: elements.map((e) => e.for ?? ""), proto: proto(last.proto), host: host(last.host) };
  }
  return {
    for: list(headers.get("X-Forwarded-For")),
    proto: proto(list(headers.get("X-Forwarded-Proto")).at(-1)),
    host: host(list(headers.get("X-Forwarded-Host")).at(-1)),
  };
}

function list(value: string | null): string[] {
  return value ? value.split(",").map((s) => s.trim()) : [];
}

/** `for=192.0.2.60;proto=https` → { for, proto }; quoted values unquoted. */
function parseElement(element: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of element.split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 0) continue;
    out[pair.slice(0, eq).trim().toLowerCase()] = pair.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
  }
  return out;
}

/** `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711`, `2001:db8::1` → canonical IP, or null. */
function canonical(value: string): string | null {
  const bracketed = value.match(/^\[([^\]]+)\](:\d+)?$/);
  const candidate = bracketed ? bracketed[1] : /^[\d.]+:\d+$/.test(value) ? value.split(":")[0] : value;
  const ip = parseIp(candidate);
  return ip ? formatIp(ip) : null;
}

function proto(value: string | undefined): string | undefined {
  const v = value?.toLowerCase();
  return v === "https" || v === "http" ? v : undefined;
}

function host(value: string | undefined): string | undefined {
  return value && /^[a-z0-9.\-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(value)
    ? value.toLowerCase()
    : undefined;
}
