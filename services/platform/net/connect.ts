/**
 * The one way Opsdeck opens outbound connections: resolve the name once,
 * check every address against the policy, connect to the checked IP itself
 * (so a second DNS answer cannot swap in another address: no DNS rebinding),
 * and verify TLS for the name as written (SNI + certificate identity).
 */
import net from "node:net";
import tls from "node:tls";
import { formatIp, parseIp, parseLegacyIpv4 } from "./addresses.ts";
import { certificateOf, verificationProblem } from "./certificate.ts";
import { type AddressPolicy, protectedTarget, refusalReason } from "./policy.ts";
import { type Resolver, systemResolver } from "./resolve.ts";

export type OutboundErrorKind = "blocked" | "dns" | "connect" | "timeout" | "tls" | "protocol" | "redirect" | "aborted";

/** A target problem, with a short human message ("connection refused", "timed out after 2000 ms"). */
export class OutboundError extends Error {
  override name = "OutboundError";
  constructor(readonly kind: OutboundErrorKind, message: string) {
    super(message);
  }
}

/** A literal IP in any spelling (brackets, `0x7f.1`, `2130706433`), canonical; null for a name. */
export function literalAddress(host: string): string | null {
  const ip = parseIp(host);
  if (ip) return formatIp(ip);
  const legacy = parseLegacyIpv4(host);
  return legacy ? formatIp({ version: 4, bytes: legacy }) : null;
}

const policyName = (policy: AddressPolicy) => policy.purpose === "probe" ? "the probe policy" : "the webhook policy";

/**
 * The addresses to connect to for host:port, in resolver order: those the
 * policy allows. Throws OutboundError "dns", or "blocked" (naming the reason
 * for the first refused address) when none is allowed.
 */
export async function checkedAddresses(
  host: string,
  port: number,
  policy: AddressPolicy,
  resolver: Resolver = systemResolver,
): Promise<string[]> {
  const name = host.replace(/^\[|\]$/g, "").toLowerCase();
  const literal = literalAddress(name);
  let addresses: string[];
  if (literal) {
    addresses = [literal];
  } else {
    try {
      addresses = (await resolver(name)).map((a) => literalAddress(a) ?? a);
    } catch {
      throw new OutboundError("dns", `could not resolve ${name}`);
    }
    if (addresses.length === 0) throw new OutboundError("dns", `could not resolve ${name}`);
  }
  let firstRefusal: string | null = null;
  const allowed: string[] = [];
  for (const address of new Set(addresses)) {
    const reason = refusalReason(address, policy) ??
      (await protectedReason(policy, port, name, address, resolver));
    if (!reason) allowed.push(address);
    else firstRefusal ??= reason;
  }
  if (allowed.length > 0) return allowed;
  const via = literal ? "" : ` (${name} resolves to ${addresses.join(", ")})`;
  throw new OutboundError("blocked", `refused by ${policyName(policy)}: ${firstRefusal}${via}`);
}

/** The first address checkedAddresses allows: for save-time checks of a target (webhook URLs). */
export async function checkedAddress(
  host: string,
  port: number,
  policy: AddressPolicy,
  resolver: Resolver = systemResolver,
): Promise<string> {
  return (await checkedAddresses(host, port, policy, resolver))[0];
}

/** Opsdeck's own database is never a target, by name or by any address its name resolves to. */
async function protectedReason(
  policy: AddressPolicy,
  port: number,
  name: string,
  address: string,
  resolver: Resolver,
): Promise<string | null> {
  // Loopback counts as one host: a database on 127.0.0.1 may also answer on 127.0.0.2 or ::1.
  const asWritten = protectedTarget(address, port, policy) ?? protectedTarget(name, port, policy);
  if (asWritten) return `${address}:${port} is Opsdeck's own database`;
  for (const endpoint of policy.protectedEndpoints ?? []) {
    if (endpoint.port !== port) continue;
    const literal = literalAddress(endpoint.host);
    const addresses = literal ? [literal] : await resolver(endpoint.host).catch(() => [] as string[]);
    if (endpoint.host === name || addresses.map((a) => literalAddress(a) ?? a).includes(address)) {
      return `${address}:${port} is Opsdeck's own database`;
    }
  }
  return null;
}

/** One deadline for a whole outbound exchange, also ended by the caller's signal. */
export interface Deadline {
  signal: AbortSignal;
  /** "timed out after N ms" when the deadline passed, "aborted" when the caller's signal fired. */
  error(): OutboundError;
  clear(): void;
}

export function startDeadline(timeoutMs: number, outer?: AbortSignal): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onOuter = () => controller.abort();
  if (outer?.aborted) controller.abort();
  else outer?.addEventListener("abort", onOuter, { once: true });
  return {
    signal: controller.signal,
    error: () =>
      timedOut
        ? new OutboundError("timeout", `timed out after ${timeoutMs} ms`)
        : new OutboundError("aborted", "aborted"),
    clear() {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onOuter);
    },
  };
}

/** A promise that loses to the deadline (name resolution cannot be cancelled, only abandoned). */
export function beforeDeadline<T>(promise: Promise<T>, deadline: Deadline): Promise<T> {
  if (deadline.signal.aborted) return Promise.reject(deadline.error());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(deadline.error());
    deadline.signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => deadline.signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Connects to the first checked address that accepts: a dual-stack name
 * whose IPv6 address is unreachable still works over IPv4.
 */
export async function connectFirst(
  addresses: string[],
  port: number,
  tlsOptions: TlsOptions | null,
  deadline: Deadline,
): Promise<{ socket: net.Socket; address: string }> {
  for (let i = 0;; i++) {
    try {
      return { socket: await openSocket(addresses[i], port, tlsOptions, deadline), address: addresses[i] };
    } catch (error) {
      if (!(error instanceof OutboundError && error.kind === "connect") || i + 1 >= addresses.length) throw error;
    }
  }
}

export interface TlsOptions {
  /** The name the certificate must be valid for; omitted for IP-literal URLs. */
  servername?: string;
  verify: boolean;
  caCerts?: string[];
}

const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPIPE: "connection closed",
  ETIMEDOUT: "connection timed out",
};

/** Maps a socket error to an OutboundError with a short message. */
export function describeSocketError(error: unknown): OutboundError {
  if (error instanceof OutboundError) return error;
  const e = error as { code?: string; message?: string };
  const code = e.code ?? "";
  if (CONNECT_ERRORS[code]) return new OutboundError("connect", CONNECT_ERRORS[code]);
  if (/^(CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_TLS_CERT)/.test(code)) {
    return new OutboundError("tls", `TLS: ${verificationProblem(code, null)}`);
  }
  if (/tls|ssl|handshake|certificate/i.test(`${code} ${e.message}`)) {
    return new OutboundError("tls", `TLS: ${(e.message ?? "handshake failed").slice(0, 200)}`);
  }
  return new OutboundError("connect", (e.message ?? "connection failed").slice(0, 200));
}

/**
 * A connected socket (TLS handshake done when `tlsOptions` is given) to the
 * IP itself. The signal destroys the socket at any point; the caller owns
 * the socket afterwards and must destroy it.
 */
export function openSocket(
  address: string,
  port: number,
  tlsOptions: TlsOptions | null,
  deadline: Deadline,
): Promise<net.Socket> {
  const signal = deadline.signal;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(deadline.error());
    const socket: net.Socket = tlsOptions
      ? tls.connect({
        host: address,
        port,
        servername: tlsOptions.servername,
        // Verified below, before a byte is sent, so a failure can name the real cause (expiry).
        rejectUnauthorized: false,
        ca: tlsOptions.caCerts,
        ALPNProtocols: ["http/1.1"],
      })
      : net.connect({ host: address, port });
    // An 'error' with no listener crashes the process; errors that matter are
    // handled by the listeners of each phase, late ones (after we are done) are dropped.
    socket.on("error", ignoreLateError);
    const onAbort = () => fail(deadline.error());
    const fail = (error: unknown) => {
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      reject(describeSocketError(error));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("error", fail);
    socket.once(tlsOptions ? "secureConnect" : "connect", () => {
      if (tlsOptions?.verify) {
        const secure = socket as tls.TLSSocket;
        if (!secure.authorized) {
          const problem = verificationProblem(String(secure.authorizationError ?? ""), certificateOf(secure));
          return fail(new OutboundError("tls", `TLS: ${problem}`));
        }
      }
      signal.removeEventListener("abort", onAbort);
      socket.removeListener("error", fail);
      resolve(socket);
    });
  });
}

function ignoreLateError(): void {}
