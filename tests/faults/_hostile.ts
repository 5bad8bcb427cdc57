/**
 * Hostile probe targets for F4, raw TCP servers on 127.0.0.1 (Deno.serve would
 * not misbehave on request): a target that hangs, one that sends its head a
 * byte at a time (slowloris), an endless body, endless headers, a redirect to
 * itself, and bytes that are not TLS on an https: URL. Each counts what it
 * wrote, per connection, so the test can tell how much the checker read
 * before it hung up. Every writer stops at `CAP_BYTES` or when the probe
 * closes the connection, whichever comes first.
 */
export type HostileKind = "hang" | "slowloris" | "endless_body" | "huge_headers" | "redirect_loop" | "tls_garbage";

export const HOSTILE_KINDS: HostileKind[] = [
  "hang",
  "slowloris",
  "endless_body",
  "huge_headers",
  "redirect_loop",
  "tls_garbage",
];

/** 100 MB, the endless body. */
const CAP_BYTES = 100 * 1024 * 1024;
const CHUNK = new Uint8Array(64 * 1024).fill(0x61);
const encoder = new TextEncoder();

export interface HostileTarget {
  kind: HostileKind;
  url: string;
  /** Each ended connection: bytes written to it, and how long the probe kept it open (ms). */
  ended: { bytes: number; ms: number }[];
  /** Connections accepted. */
  connections: number;
}

export function startHostileTargets() {
  const listeners: Deno.Listener[] = [];
  const open = new Set<Deno.Conn>();
  const targets = HOSTILE_KINDS.map((kind) => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    listeners.push(listener);
    const port = (listener.addr as Deno.NetAddr).port;
    const target: HostileTarget = {
      kind,
      url: `${kind === "tls_garbage" ? "https" : "http"}://127.0.0.1:${port}/${kind}`,
      ended: [],
      connections: 0,
    };
    (async () => {
      for await (const conn of listener) {
        target.connections++;
        open.add(conn);
        const at = performance.now();
        misbehave(kind, conn, port).then((bytes) => target.ended.push({ bytes, ms: performance.now() - at })).finally(
          () => {
            open.delete(conn);
            try {
              conn.close();
            } catch {
              // closed by the probe already
            }
          },
        );
      }
    })().catch(() => {});
    return target;
  });
  return {
    targets,
    stop() {
      for (const l of listeners) l.close();
      for (const c of open) c.close();
    },
  };
}

/** Plays one kind on one connection; resolves with the bytes written once the peer is gone or the cap is reached. */
async function misbehave(kind: HostileKind, conn: Deno.Conn, port: number): Promise<number> {
  let written = 0;
  const write = async (bytes: Uint8Array) => {
    for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
    written += bytes.length;
  };
  // The request is read (and dropped) in the background; a closed read side is the probe hanging up.
  const peerGone = (async () => {
    const buf = new Uint8Array(4096);
    try {
      while (await conn.read(buf) !== null) { /* drain */ }
    } catch {
      // reset
    }
  })();
  try {
    switch (kind) {
      case "hang":
        await peerGone;
        break;
      case "slowloris": {
        await write(encoder.encode("HTTP/1.1 200 OK\r\nX-Slow: "));
        let gone = false;
        peerGone.then(() => gone = true);
        while (!gone && written < CAP_BYTES) {
          await write(encoder.encode("a"));
          await new Promise((r) => setTimeout(r, 100));
        }
        break;
      }
      case "endless_body":
        await write(encoder.encode("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"));
        while (written < CAP_BYTES) await write(CHUNK);
        break;
      case "huge_headers": {
        await write(encoder.encode("HTTP/1.1 200 OK\r\n"));
        const line = encoder.encode(`X-Pad: ${"b".repeat(8_000)}\r\n`);
        while (written < CAP_BYTES) await write(line);
        break;
      }
      case "redirect_loop":
        await write(encoder.encode(
          `HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:${port}/redirect_loop\r\nContent-Length: 0\r\n\r\n`,
        ));
        break;
      case "tls_garbage":
        await write(crypto.getRandomValues(new Uint8Array(4096)));
        await peerGone;
        break;
    }
  } catch {
    // the probe closed the connection: what it stopped reading at is `written`
  }
  return written;
}
