/**
 * The one place data sources meet the outbound address policy: the probe
 * policy (private ranges for staff, loopback only through
 * OPSDECK_PROBE_ALLOW; cloud metadata and Opsdeck's own database never).
 * Connections are pinned to the address NET's checkedAddress returns.
 */
import type { Config } from "../platform/config.ts";
import type { AddressPolicy } from "../platform/net/policy.ts";

/**
 * The staff probe policy of the one outbound policy object (it already refuses Opsdeck's own database): client users
 * never reach a source (they have no data-source permissions); staff may reach private ranges.
 */
export function sourcePolicy(config: Config): AddressPolicy {
  return config.outbound.probe;
}
