/**
 * Which addresses outbound requests (probes, webhooks) may reach. Checked on
 * the resolved address of every connection and every redirect hop, never on
 * the name as written. Order of the rules (docs/probes.md has the table):
 *   1. the deny list (OPSDECK_PROBE_DENY) refuses, whatever else says;
 *   2. unspecified, link-local / cloud metadata, multicast, broadcast and
 *      240.0.0.0/4 are refused always: the allow list cannot re-open them;
 *   3. the allow list re-allows loopback, private and reserved addresses;
 *   4. loopback is refused; private ranges are refused unless allowPrivate;
 *   5. anything else (public) is allowed.
 * An IPv6 address that carries an IPv4 one (mapped, NAT64, 6to4, Teredo) must
 * pass for both.
 */
import { classify, embeddedIpv4, formatIp, inCidr, type IpAddress, parseCidr, parseIp } from "./addresses.ts";
import { databaseHosts } from "../database_url.ts";

/**
 * What the policies are made of: a part of Config, named here so that net/ does
 * not import the config module (which builds its policies from this one).
 */
export interface PolicySettings {
  probeAllow: string[];
  probeDeny: string[];
  webhookAllow: string[];
  databaseUrl?: string;
}

/**
 * Every outbound policy of one Opsdeck process, built once at start-up
 * (`Config.outbound`, see `withDatabaseAddress`) with the address of the
 * database it actually runs on, embedded or DATABASE_URL. Probes, webhook
 * channels and any later kind of outbound request take theirs from here, so
 * none can forget the database.
 */
export interface OutboundPolicy {
  /** Staff checks: private ranges allowed. */
  probe: AddressPolicy;
  /** Client users' checks: public addresses only. */
  clientProbe: AddressPolicy;
  webhook: AddressPolicy;
}

export function createOutboundPolicy(config: PolicySettings, databaseUrl?: string): OutboundPolicy {
  return {
    probe: probePolicy(config, { publicOnly: false, databaseUrl }),
    clientProbe: probePolicy(config, { publicOnly: true, databaseUrl }),
    webhook: webhookPolicy(config, { databaseUrl }),
  };
}

export interface AddressPolicy {
  purpose: "probe" | "webhook";
  allowPrivate: boolean;
  allow: string[];
  deny: string[];
  /**
   * Host:port pairs never reached whatever the address rules say: Opsdeck's
   * own database. Hosts are names or IP literals; names are matched as
   * written and by the addresses they resolve to.
   */
  protectedEndpoints?: { host: string; port: number }[];
}

/**
 * Probes: private ranges allowed (monitoring internal services is the point
 * of self-hosting) unless publicOnly (client users), for whom the allow list
 * does not apply either. `databaseUrl` defaults to DATABASE_URL; pass the
 * embedded PostgreSQL's URL when that is what runs.
 */
export function probePolicy(
  config: PolicySettings,
  opts: { publicOnly: boolean; databaseUrl?: string },
): AddressPolicy {
  return {
    purpose: "probe",
    allowPrivate: !opts.publicOnly,
    allow: opts.publicOnly ? [] : config.probeAllow,
    deny: config.probeDeny,
    protectedEndpoints: databaseEndpoints(opts.databaseUrl ?? config.databaseUrl),
  };
}

/** Webhooks: public addresses only, unless the operator lists a range in OPSDECK_WEBHOOK_ALLOW. */
export function webhookPolicy(config: PolicySettings, opts: { databaseUrl?: string } = {}): AddressPolicy {
  return {
    purpose: "webhook",
    allowPrivate: false,
    allow: config.webhookAllow,
    deny: config.probeDeny,
    protectedEndpoints: databaseEndpoints(opts.databaseUrl ?? config.databaseUrl),
  };
}

/** The host and port of a postgres:// URL (5432 when none), or nothing. */
export function databaseEndpoints(url: string | undefined): { host: string; port: number }[] {
  if (!url) return [];
  // Every host of a multi-host (failover) URL is the database.
  return databaseHosts(url).flatMap((entry) => {
    try {
      const u = new URL(`postgres://${entry}`);
      const host = u.hostname.replace(/^\[|\]$/g, "");
      return host ? [{ host: host.toLowerCase(), port: u.port ? Number(u.port) : 5432 }] : [];
    } catch {
      return [];
    }
  });
}

/**
 * The URL a postgres.js pool connects to, reduced to host and port, for
 * ProbeDeps.databaseUrl: works for DATABASE_URL and the embedded PostgreSQL
 * alike (`databaseUrlOf(deps.sql)` in a worker).
 */
export function databaseUrlOf(sql: { options: { host: string[]; port: number[] } }): string | undefined {
  const host = sql.options.host?.[0];
  if (!host || host.startsWith("/")) return undefined;
  return `postgres://${host.includes(":") ? `[${host}]` : host}:${sql.options.port?.[0] ?? 5432}`;
}

const cidrCache = new Map<string, ReturnType<typeof parseCidr>>();
function cidr(text: string) {
  let parsed = cidrCache.get(text);
  if (parsed === undefined) {
    parsed = parseCidr(text);
    cidrCache.set(text, parsed);
  }
  return parsed;
}

/**
 * Create-time check of a target as written: host (name or literal, loopback
 * names and addresses counted as one) and port against the protected
 * endpoints. Names are resolved and checked again at every connection.
 */
export function protectedTarget(host: string, port: number, policy: AddressPolicy): string | null {
  const key = hostKey(host);
  const hit = (policy.protectedEndpoints ?? []).find((e) => e.port === port && hostKey(e.host) === key);
  return hit ? `${host}:${port} is Opsdeck's own database` : null;
}

function hostKey(host: string): string {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  const ip = parseIp(bare);
  if (bare === "localhost" || bare.endsWith(".localhost") || (ip && classify(ip).kind === "loopback")) {
    return "loopback";
  }
  return ip ? formatIp(ip) : bare;
}

/** Why the canonical IP `address` is refused under `policy`, or null when it may be reached. */
export function refusalReason(address: string, policy: AddressPolicy): string | null {
  const ip = parseIp(address);
  if (!ip) return `${address} is not an IP address`;
  for (const candidate of [ip, ...embeddedIpv4(ip)]) {
    const reason = refusalFor(candidate, policy);
    if (reason) return candidate === ip ? reason : `${formatIp(ip)} carries ${reason}`;
  }
  return null;
}

function refusalFor(ip: IpAddress, policy: AddressPolicy): string | null {
  const shown = formatIp(ip);
  for (const item of policy.deny) {
    const c = cidr(item);
    if (c && inCidr(ip, c)) return `${shown} is in OPSDECK_PROBE_DENY (${c.text})`;
  }
  const { kind, label } = classify(ip);
  switch (kind) {
    case "public":
      return null;
    case "unspecified":
    case "link-local":
    case "metadata":
    case "multicast":
    case "broadcast":
    case "reserved":
      return `${shown} is ${label}`;
  }
  if (
    policy.allow.some((item) => {
      const c = cidr(item);
      return c !== null && inCidr(ip, c);
    })
  ) return null;
  if (kind === "loopback") return `${shown} is ${label}`;
  return policy.allowPrivate ? null : `${shown} is ${label}, and ${onlyPublic(policy)}`;
}

function onlyPublic(policy: AddressPolicy): string {
  return policy.purpose === "probe"
    ? "client users may only check public addresses"
    : "webhooks may only reach public addresses (see OPSDECK_WEBHOOK_ALLOW)";
}
