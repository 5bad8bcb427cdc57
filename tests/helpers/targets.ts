/**
 * Real probe targets on 127.0.0.1 for tests of probes, the scheduler and the
 * status board. Loopback is refused by the default probe policy, so configs
 * that probe these need `OPSDECK_PROBE_ALLOW: TARGETS_PROBE_ALLOW`.
 *
 *   const targets = await startTargets();
 *   const config = loadConfig({ OPSDECK_PROBE_ALLOW: TARGETS_PROBE_ALLOW, ... });
 *   targets.ok, targets.fail, targets.slow(1500), targets.hang, targets.close, ...
 *   targets.setHealthy(false)   // targets.switchable starts answering 500
 *   await targets.stop();
 */
import type { ProbeDefinition } from "../../services/checks/probe.ts";
import { createTestPki } from "./certificates.ts";

export const TARGETS_PROBE_ALLOW = "127.0.0.0/8";

/** A plain GET probe of `url` expecting 200 within 2 s; `extra` overrides any field. */
export function httpProbe(url: string, extra: Partial<ProbeDefinition> = {}): ProbeDefinition {
  return {
    type: "http",
    url,
    host: null,
    port: null,
    method: "GET",
    headers: {},
    body: null,
    expected_status: [200],
    keyword: null,
    keyword_invert: false,
    json_path: null,
    json_expected: null,
    degraded_latency_ms: null,
    follow_redirects: true,
    verify_tls: true,
    timeout_ms: 2000,
    public_targets_only: false,
    ...extra,
  };
}

export const JSON_BODY = {
  status: "ok",
  version: "1.2.3",
  checks: [{ name: "db", healthy: true, latency_ms: 4 }],
  count: 3,
  "weird key": "yes",
};

export interface Targets {
  base: string;
  /** 200, body "status: ok". */
  ok: string;
  /** 500, body "internal error". */
  fail: string;
  /** 200 with "ok" after `ms` milliseconds. */
  slow(ms: number): string;
  /** Accepts the connection, reads, never answers. */
  hang: string;
  /** Accepts the connection and closes it at once. */
  close: string;
  /** 200 with a body that has no "ok" in it. */
  noKeyword: string;
  /** 200, application/json, JSON_BODY. */
  json: string;
  /** `hops` redirects (302) ending at /ok. */
  redirectChain(hops: number): string;
  /** 302 to http://169.254.169.254/latest/meta-data/. */
  redirectToMetadata: string;
  /** Any status code: /status/503. */
  status(code: number): string;
  /** 200 with 200 KiB of "x" and then "ok" (past the probe's read cap). */
  big: string;
  /** 200, chunked transfer encoding, "ok" in the second chunk. */
  chunked: string;
  /** 200, gzip-compressed "compressed, and ok" whatever the request accepts. */
  gzip: string;
  /** 200, JSON of what the request looked like: method, host, headers, body. */
  echo: string;
  /** 200 "status: ok" or 500 "failing", as setHealthy says (healthy at start). */
  switchable: string;
  setHealthy(healthy: boolean): void;
  /** How many requests a path (e.g. "/switch") has had. */
  hits(path: string): number;
  /** Connections the hang target holds open right now. */
  hangOpen(): number;
  /** A TCP port that accepts connections, and one where nothing listens. */
  tcp: { host: string; openPort: number; closedPort: number };
  /** An HTTPS target with a certificate for `hostname` (and 127.0.0.1) expiring in `days`. */
  https: {
    url: string;
    /** The same target by name: resolve `hostname` to 127.0.0.1 with a static resolver. */
    namedUrl: string;
    hostname: string;
    caPem: string;
    notAfter: Date;
    fingerprint256: string;
  };
  stop(): Promise<void>;
}

export async function startTargets(opts: { certificateDays?: number } = {}): Promise<Targets> {
  let healthy = true;
  // Slow answers end early on stop(), so shutting the server down never waits for them.
  const sleepers = new Set<() => void>();
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });
  const hits = new Map<string, number>();
  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === "/ok") return new Response("status: ok");
    if (path === "/fail") return new Response("internal error", { status: 500 });
    if (path === "/slow") {
      await delay(Number(url.searchParams.get("ms") ?? 1000));
      return new Response("status: ok");
    }
    if (path === "/nokeyword") return new Response("all systems nominal");
    if (path === "/json") return Response.json(JSON_BODY);
    if (path.startsWith("/redirect/")) {
      const n = Number(path.slice("/redirect/".length));
      return redirect(n > 1 ? `/redirect/${n - 1}` : "/ok");
    }
    if (path === "/redirect-metadata") return redirect("http://169.254.169.254/latest/meta-data/");
    if (path.startsWith("/status/")) {
      const status = Number(path.slice(8));
      return new Response([204, 304].includes(status) ? null : `status ${status}`, { status });
    }
    if (path === "/big") return new Response("x".repeat(200 * 1024) + "ok");
    if (path === "/chunked") {
      const parts = ["first chunk, ", "then ok"];
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = parts.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next));
        },
      });
      return new Response(body);
    }
    if (path === "/gzip") {
      const body = new Blob(["compressed, and ok"]).stream().pipeThrough(new CompressionStream("gzip"));
      return new Response(body, { headers: { "content-encoding": "gzip", "content-type": "text/plain" } });
    }
    if (path === "/echo") {
      return Response.json({
        method: request.method,
        host: request.headers.get("host"),
        headers: Object.fromEntries(request.headers),
        body: await request.text(),
      });
    }
    if (path === "/switch") {
      return healthy ? new Response("status: ok") : new Response("failing", { status: 500 });
    }
    return new Response("not found", { status: 404 });
  };

  const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  const base = `http://127.0.0.1:${http.addr.port}`;

  const pki = await createTestPki({
    dnsNames: ["probe.test", "localhost"],
    ips: ["127.0.0.1"],
    days: opts.certificateDays ?? 5,
  });
  const https = Deno.serve(
    { hostname: "127.0.0.1", port: 0, cert: pki.cert, key: pki.key, onListen: () => {} },
    handler,
  );

  const hang = rawListener(async (conn, open) => {
    open.add(conn);
    const buffer = new Uint8Array(4096);
    try {
      while ((await conn.read(buffer)) !== null) { /* keep reading, never answer */ }
    } catch {
      // Reset by the client: that is the point.
    } finally {
      if (open.delete(conn)) conn.close();
    }
  });
  const close = rawListener((conn) => conn.close());
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = closed.addr.port;
  closed.close();

  return {
    base,
    ok: `${base}/ok`,
    fail: `${base}/fail`,
    slow: (ms) => `${base}/slow?ms=${ms}`,
    hang: `http://127.0.0.1:${hang.port}/`,
    close: `http://127.0.0.1:${close.port}/`,
    noKeyword: `${base}/nokeyword`,
    json: `${base}/json`,
    redirectChain: (hops) => `${base}/redirect/${hops}`,
    redirectToMetadata: `${base}/redirect-metadata`,
    status: (code) => `${base}/status/${code}`,
    big: `${base}/big`,
    chunked: `${base}/chunked`,
    gzip: `${base}/gzip`,
    echo: `${base}/echo`,
    switchable: `${base}/switch`,
    setHealthy: (value) => healthy = value,
    hits: (path) => hits.get(path) ?? 0,
    hangOpen: () => hang.open.size,
    tcp: { host: "127.0.0.1", openPort: http.addr.port, closedPort },
    https: {
      url: `https://127.0.0.1:${https.addr.port}/ok`,
      namedUrl: `https://probe.test:${https.addr.port}/ok`,
      hostname: "probe.test",
      caPem: pki.caPem,
      notAfter: pki.notAfter,
      fingerprint256: pki.fingerprint256,
    },
    async stop() {
      for (const wake of [...sleepers]) wake();
      await Promise.all([http.shutdown(), https.shutdown(), hang.stop(), close.stop()]);
    },
  };
}

function redirect(location: string): Response {
  return new Response(null, { status: 302, headers: { location } });
}

/** A plain TCP listener running `onConnection` for each accepted connection. */
function rawListener(onConnection: (conn: Deno.Conn, open: Set<Deno.Conn>) => unknown) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const accepting = (async () => {
    try {
      for await (const conn of listener) onConnection(conn, open);
    } catch {
      // The listener was closed by stop().
    }
  })();
  return {
    port: listener.addr.port,
    open,
    async stop() {
      listener.close();
      for (const conn of [...open]) {
        open.delete(conn);
        conn.close();
      }
      await accepting;
    },
  };
}
