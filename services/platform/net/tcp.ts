/**
 * TCP connect probes: resolve, check the address against the policy, connect
 * to that IP, close at once. Nothing is sent.
 */
import { beforeDeadline, checkedAddresses, connectFirst, OutboundError, startDeadline } from "./connect.ts";
import type { AddressPolicy } from "./policy.ts";
import type { Resolver } from "./resolve.ts";

export async function tcpProbe(
  host: string,
  port: number,
  opts: { policy: AddressPolicy; resolver?: Resolver; timeoutMs: number; signal?: AbortSignal },
): Promise<{ latencyMs: number; address: string }> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new OutboundError("protocol", "invalid port");
  const started = performance.now();
  const deadline = startDeadline(opts.timeoutMs, opts.signal);
  try {
    const addresses = await beforeDeadline(checkedAddresses(host, port, opts.policy, opts.resolver), deadline);
    const { socket, address } = await connectFirst(addresses, port, null, deadline);
    socket.destroy();
    return { latencyMs: Math.round((performance.now() - started) * 10) / 10, address };
  } finally {
    deadline.clear();
  }
}
