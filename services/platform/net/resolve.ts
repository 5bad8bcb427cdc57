/**
 * Name resolution for outbound requests. The system resolver goes through
 * getaddrinfo (node:dns lookup), so /etc/hosts, search domains and Docker's or
 * Kubernetes' DNS work as they do for curl. Tests inject their own Resolver.
 */
import { lookup } from "node:dns/promises";

/** Every address a name resolves to, as text; throws when it resolves to nothing. */
export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) => {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => entry.address);
};
