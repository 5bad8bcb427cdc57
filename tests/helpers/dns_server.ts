/**
 * A real DNS server on 127.0.0.1 (UDP, A and AAAA, TTL 0) for tests that
 * want name resolution to go over the wire: answers can change between
 * queries (DNS rebinding), and every query is counted.
 *
 *   const dns = await startDnsServer({ "metadata.test": ["169.254.169.254"] });
 *   await runProbe(def, { config, resolver: dns.resolver });
 *
 * `staticResolver` is the same without a server, for tests that only need a
 * name to point at 127.0.0.1 (e.g. `probe.test` for the HTTPS target).
 */
import dgram from "node:dgram";
import { Buffer } from "node:buffer";
import { parseIp } from "../../services/platform/net/addresses.ts";
import type { Resolver } from "../../services/platform/net/resolve.ts";

type Answer = string[] | (() => string[]);

export interface DnsServer {
  port: number;
  /** Resolves through this server with Deno.resolveDns (A and AAAA). */
  resolver: Resolver;
  set(name: string, answer: Answer): void;
  /** How many A queries a name has had. */
  queries(name: string): number;
  stop(): Promise<void>;
}

/** A fixed table without a server: a name maps to its addresses, or to a function for answers that change. */
export function staticResolver(table: Record<string, Answer>): Resolver {
  return (hostname) => {
    const entry = table[hostname.toLowerCase().replace(/\.$/, "")];
    const addresses = typeof entry === "function" ? entry() : entry;
    if (!addresses || addresses.length === 0) return Promise.reject(new Error(`getaddrinfo ENOTFOUND ${hostname}`));
    return Promise.resolve(addresses);
  };
}

const TYPE_A = 1, TYPE_AAAA = 28;

export async function startDnsServer(records: Record<string, Answer> = {}): Promise<DnsServer> {
  const table = new Map(Object.entries(records).map(([name, answer]) => [name.toLowerCase(), answer]));
  const counts = new Map<string, number>();
  const socket = dgram.createSocket("udp4");
  socket.on("message", (message: Buffer, peer: dgram.RemoteInfo) => {
    const reply = answer(message, table, counts);
    if (reply) socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  const port = socket.address().port;
  const nameServer = { ipAddr: "127.0.0.1", port };
  return {
    port,
    resolver: async (hostname) => {
      const found = await Promise.allSettled([
        Deno.resolveDns(hostname, "A", { nameServer }),
        Deno.resolveDns(hostname, "AAAA", { nameServer }),
      ]);
      const addresses = found.flatMap((r) => r.status === "fulfilled" ? r.value : []);
      if (addresses.length === 0) throw new Error(`no addresses for ${hostname}`);
      return addresses;
    },
    set: (name, value) => table.set(name.toLowerCase(), value),
    queries: (name) => counts.get(name.toLowerCase()) ?? 0,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function answer(message: Buffer, table: Map<string, Answer>, counts: Map<string, number>): Buffer | null {
  if (message.length < 17) return null;
  const labels: string[] = [];
  let i = 12;
  while (i < message.length && message[i] !== 0) {
    labels.push(message.subarray(i + 1, i + 1 + message[i]).toString("ascii"));
    i += message[i] + 1;
  }
  if (i + 5 > message.length) return null;
  const name = labels.join(".").toLowerCase();
  const type = message.readUInt16BE(i + 1);
  const question = message.subarray(12, i + 5);
  const entry = table.get(name);
  if (type === TYPE_A) counts.set(name, (counts.get(name) ?? 0) + 1);
  const addresses = entry === undefined ? [] : typeof entry === "function" ? entry() : entry;
  const records = addresses.map((text) => parseIp(text)!)
    .filter((ip) => (ip.version === 4 ? TYPE_A : TYPE_AAAA) === type)
    .map((ip) => {
      const rr = Buffer.alloc(12 + ip.bytes.length);
      rr.writeUInt16BE(0xc00c, 0); // the name, as a pointer to the question
      rr.writeUInt16BE(type, 2);
      rr.writeUInt16BE(1, 4); // class IN
      rr.writeUInt32BE(0, 6); // TTL 0: nothing may cache it
      rr.writeUInt16BE(ip.bytes.length, 10);
      Buffer.from(ip.bytes).copy(rr, 12);
      return rr;
    });
  const header = Buffer.alloc(12);
  message.copy(header, 0, 0, 2);
  header.writeUInt16BE(entry === undefined ? 0x8583 : 0x8580, 2); // response, authoritative; NXDOMAIN when unknown
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  return Buffer.concat([header, question, ...records]);
}
