/**
 * One browser's live stream (server-sent events): "data: <topic>" when its
 * tenant (and client) changed something on that topic, a comment every
 * `heartbeatMs` so proxies keep it open and a dead peer is noticed, and the
 * end of the stream once its session is no longer valid (revoked: at once
 * through the hub; expired, idle or its user suspended: at the next
 * heartbeat). Each topic is told at most once per `minGapMs`, at once after a
 * quiet spell and once more at the end of a busy one, so a burst of changes
 * costs a page one re-fetch a second, not one per change.
 */
import type { LiveHub, LiveStream, LiveTopic } from "./hub.ts";

export interface LiveStreamOptions {
  hub: LiveHub;
  tenantId: string;
  clientId: string | null;
  sessionId: string;
  /** Asked at every heartbeat; false ends the stream (a failing database keeps it). */
  stillSignedIn(): Promise<boolean>;
  heartbeatMs?: number;
  minGapMs?: number;
}

export const LIVE_HEARTBEAT_MS = 20_000;
export const LIVE_MIN_GAP_MS = 1_000;

/** The stream's body, or null when the process holds as many streams as it may. */
export function openLiveStream(o: LiveStreamOptions): ReadableStream<Uint8Array> | null {
  const minGap = o.minGapMs ?? LIVE_MIN_GAP_MS;
  const encoder = new TextEncoder();
  const lastTold = new Map<LiveTopic, number>();
  const pending = new Map<LiveTopic, ReturnType<typeof setTimeout>>();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let closed = false;
  let leave = () => {};

  const write = (text: string) => {
    if (closed) return;
    try {
      controller?.enqueue(encoder.encode(text));
    } catch {
      close();
    }
  };
  const send = (topic: LiveTopic) => {
    lastTold.set(topic, Date.now());
    write(`data: ${topic}\n\n`);
  };
  function close() {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    pending.forEach((t) => clearTimeout(t));
    leave();
    try {
      controller?.close();
    } catch { /* already closed by the peer */ }
  }
  const stream: LiveStream = {
    tenantId: o.tenantId,
    clientId: o.clientId,
    sessionId: o.sessionId,
    tell(topic) {
      if (closed || pending.has(topic)) return;
      const wait = (lastTold.get(topic) ?? -Infinity) + minGap - Date.now();
      if (wait <= 0) return send(topic);
      pending.set(topic, setTimeout(() => (pending.delete(topic), send(topic)), wait));
    },
    end: close,
  };
  const left = o.hub.join(stream);
  if (!left) return null;
  leave = left;
  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      // The browser reconnects after 5 s when the connection drops.
      write("retry: 5000\n: live\n\n");
      heartbeat = setInterval(async () => {
        write(": ping\n\n");
        if (!await o.stillSignedIn().catch(() => true)) close();
      }, o.heartbeatMs ?? LIVE_HEARTBEAT_MS);
    },
    cancel: close,
  });
}
