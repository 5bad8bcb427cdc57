/**
 * safeRequest: an HTTP(S) request that only reaches what the AddressPolicy
 * allows. Each hop is resolved once, its address checked, and the connection
 * made to that very IP with the original Host header and TLS name; at most
 * `maxRedirects` hops, each checked again; one deadline for the whole
 * exchange; the body read up to a cap. Used by HTTP probes and webhooks.
 */
import type tls from "node:tls";
import { type CertificateInfo, certificateOf } from "./certificate.ts";
import {
  beforeDeadline,
  checkedAddresses,
  connectFirst,
  type Deadline,
  literalAddress,
  OutboundError,
  startDeadline,
} from "./connect.ts";
import { encodeRequest, exchange, type RawResponse } from "./http1.ts";
import type { AddressPolicy } from "./policy.ts";
import type { Resolver } from "./resolve.ts";

export { OutboundError } from "./connect.ts";
export type { OutboundErrorKind } from "./connect.ts";
export type { CertificateInfo } from "./certificate.ts";

export interface SafeRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  policy: AddressPolicy;
  resolver?: Resolver;
  timeoutMs: number;
  signal?: AbortSignal;
  /** 0..3, default 3; 0 returns a 3xx response as it is. */
  maxRedirects?: number;
  /** Default 64 KiB; nothing past it is read. */
  maxBodyBytes?: number;
  verifyTls?: boolean;
  /** Trusted CA certificates (PEM) instead of the system store: tests and private CAs. */
  caCerts?: string[];
}

export interface SafeResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  truncated: boolean;
  /** The URL of the last hop. */
  url: string;
  /** The IP the last hop connected to. */
  address: string;
  redirects: number;
  /** From the start (name resolution included) to the end of the body. */
  latencyMs: number;
  /** The last https hop's peer certificate, verified or not. */
  certificate: CertificateInfo | null;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const OWN_HEADERS = new Set(["connection", "content-length", "transfer-encoding", "te", "upgrade", "keep-alive"]);
const encoder = new TextEncoder();

export async function safeRequest(req: SafeRequest): Promise<SafeResponse> {
  const started = performance.now();
  const deadline = startDeadline(req.timeoutMs, req.signal);
  try {
    return await exchangeWithRedirects(req, deadline, started);
  } finally {
    deadline.clear();
  }
}

async function exchangeWithRedirects(req: SafeRequest, deadline: Deadline, started: number): Promise<SafeResponse> {
  const maxRedirects = Math.max(0, Math.min(3, req.maxRedirects ?? 3));
  const maxBodyBytes = req.maxBodyBytes ?? 64 * 1024;

  let url = parseTarget(req.url, null);
  let method = (req.method ?? "GET").toUpperCase();
  let body: Uint8Array | null = typeof req.body === "string" ? encoder.encode(req.body) : req.body ?? null;
  let headers = { ...req.headers };
  for (let hop = 0;; hop++) {
    const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
    let addresses: string[];
    try {
      addresses = await beforeDeadline(checkedAddresses(url.hostname, port, req.policy, req.resolver), deadline);
    } catch (error) {
      if (hop > 0 && error instanceof OutboundError && error.kind === "blocked") {
        throw new OutboundError("blocked", `redirect ${hop} to ${shownUrl(url)} ${error.message}`);
      }
      throw error;
    }
    const isLiteral = literalAddress(url.hostname.replace(/^\[|\]$/g, "")) !== null;
    const { socket, address } = await connectFirst(
      addresses,
      port,
      url.protocol === "https:"
        ? {
          servername: isLiteral ? undefined : url.hostname.replace(/\.$/, ""),
          verify: req.verifyTls ?? true,
          caCerts: req.caCerts,
        }
        : null,
      deadline,
    );
    try {
      const certificate = url.protocol === "https:" ? certificateOf(socket as tls.TLSSocket) : null;
      const follow = (status: number, h: Headers) => maxRedirects > 0 && isRedirect(status, h);
      const raw = await exchange(
        socket,
        encodeRequest(method, url.pathname + url.search, requestHeaders(url, headers, body, method), body),
        { method, maxBodyBytes, headOnly: follow },
        deadline,
      );
      if (maxRedirects > 0 && isRedirect(raw.status, raw.headers)) {
        if (hop + 1 > maxRedirects) throw new OutboundError("redirect", `more than ${maxRedirects} redirects`);
        const next = parseTarget(raw.headers.get("location")!, url, hop + 1);
        if (next.origin !== url.origin) headers = withoutCredentials(headers);
        if (raw.status === 303 || ((raw.status === 301 || raw.status === 302) && method === "POST")) {
          [method, body] = [method === "HEAD" ? "HEAD" : "GET", null];
        }
        url = next;
        continue;
      }
      const decoded = await decodeBody(raw, maxBodyBytes);
      return {
        ...raw,
        ...decoded,
        url: shownUrl(url),
        address,
        redirects: hop,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
        certificate,
      };
    } finally {
      socket.destroy();
    }
  }
}

/**
 * We ask for `identity`, but some servers compress anyway; a keyword check
 * must see text. gzip and deflate are undone, output capped like the body.
 */
async function decodeBody(raw: RawResponse, maxBodyBytes: number): Promise<{ body: Uint8Array; truncated: boolean }> {
  const encoding = (raw.headers.get("content-encoding") ?? "").trim().toLowerCase();
  const format = encoding === "gzip" || encoding === "x-gzip" ? "gzip" : encoding === "deflate" ? "deflate" : null;
  if (!format || raw.body.length === 0) return { body: raw.body, truncated: raw.truncated };
  const reader = new Blob([raw.body as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream(format)).getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let truncated = raw.truncated;
  try {
    while (length < maxBodyBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      const kept = value.subarray(0, maxBodyBytes - length);
      chunks.push(kept);
      length += kept.length;
      if (kept.length < value.length) truncated = true;
    }
    if (length >= maxBodyBytes) truncated = true;
  } catch {
    // A body cut at the cap ends mid-stream: keep what was decoded.
    truncated = true;
  } finally {
    reader.cancel().catch(() => {});
  }
  const body = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return { body, truncated };
}

function isRedirect(status: number, headers: Headers): boolean {
  return REDIRECTS.has(status) && headers.has("location");
}

/** http:/https: only; a redirect's Location is resolved against the current URL. */
function parseTarget(text: string, base: URL | null, hop = 0): URL {
  let url: URL;
  try {
    url = base ? new URL(text, base) : new URL(text);
  } catch {
    throw new OutboundError(
      hop ? "redirect" : "protocol",
      hop ? `redirect ${hop} has an invalid Location` : "invalid URL",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    const what = hop ? `redirect ${hop} to ${url.protocol}` : url.protocol;
    throw new OutboundError("blocked", `${what} refused: only http: and https: URLs`);
  }
  return url;
}

function requestHeaders(
  url: URL,
  extra: Record<string, string>,
  body: Uint8Array | null,
  method: string,
): [string, string][] {
  const headers = new Map<string, [string, string]>([
    ["host", ["Host", url.host]],
    ["user-agent", ["User-Agent", "Opsdeck-Probe/1"]],
    ["accept", ["Accept", "*/*"]],
    ["accept-encoding", ["Accept-Encoding", "identity"]],
  ]);
  if (url.username || url.password) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.set("authorization", ["Authorization", `Basic ${btoa(credentials)}`]);
  }
  for (const [name, value] of Object.entries(extra)) {
    if (!OWN_HEADERS.has(name.toLowerCase())) headers.set(name.toLowerCase(), [name, value]);
  }
  headers.set("connection", ["Connection", "close"]);
  if (body || ["POST", "PUT", "PATCH"].includes(method)) {
    headers.set("content-length", ["Content-Length", String(body?.length ?? 0)]);
  }
  return [...headers.values()];
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !["authorization", "cookie"].includes(name.toLowerCase())),
  );
}

/** The URL without user-info, for messages and results. */
function shownUrl(url: URL): string {
  const copy = new URL(url);
  copy.username = "";
  copy.password = "";
  const text = copy.toString();
  return text.length > 200 ? text.slice(0, 199) + "…" : text;
}
