/**
 * The one place data sources meet the outbound address policy: the probe
 * policy (private ranges for staff, loopback only through
 * OPSDECK_PROBE_ALLOW; cloud metadata and Opsdeck's own database never), and
 * the address a connection must be pinned to.
 */
import type { Config } from "../platform/config.ts";
import { checkedAddress } from "../platform/net/connect.ts";
import type { AddressPolicy } from "../platform/net/policy.ts";

/**
 * The staff probe policy of the one outbound policy object (it already refuses Opsdeck's own database): client users
 * never reach a source (they have no data-source permissions); staff may reach private ranges.
 */
export function sourcePolicy(config: Config): AddressPolicy {
  return config.outbound.probe;
}

/** The checked address to connect to for host:port; throws OutboundError ("blocked", "dns"). */
export async function checkedTarget(host: string, port: number, policy: AddressPolicy): Promise<string> {
  return await checkedAddress(host, port, policy);
}
