/**
 * The live pages' wake-ups, one per process: a LISTEN on opsdeck_live
 * (migration 00210; postgres.js carries it on the pool's one listening
 * connection, beside the workers' wake-ups) fanned out to this process's open
 * streams. A notification says only "<tenant>:<topic>:<client>"; a stream
 * hears its own tenant's, and a client user's only its own client's. What a
 * page then shows is decided by its partial's own authorization and
 * row-level security, never by the notification. After the listener
 * reconnects every stream hears "all" (notifications sent meanwhile are
 * lost), and a revoked session's streams end on every replica.
 */
import type { Sql } from "../../db/client.ts";
import type { Logger } from "../platform/logger.ts";

export const LIVE_CHANNEL = "opsdeck_live";

/** What a page listens for; "all" after a reconnection. */
export const LIVE_TOPICS = ["checks", "alerts", "deployments"] as const;
export type LiveTopic = typeof LIVE_TOPICS[number] | "all";

export interface LiveStream {
  tenantId: string;
  /** A client user's client: only its changes are told; null sees the whole tenant. */
  clientId: string | null;
  sessionId: string;
  tell(topic: LiveTopic): void;
  /** The session ended: the stream closes. */
  end(): void;
}

export interface LiveHub {
  /** Adds a stream; null when the process already holds its most (the page then polls). Returns its removal. */
  join(stream: LiveStream): (() => void) | null;
  /** Open streams. */
  readonly size: number;
  /** The streams' heartbeat and least gap between two tellings of a topic (services/live/stream.ts). */
  readonly timing: { heartbeatMs?: number; minGapMs?: number };
  stop(): Promise<void>;
}

export async function startLiveHub(
  sql: Sql,
  o: { logger: Logger; maxStreams: number; heartbeatMs?: number; minGapMs?: number },
): Promise<LiveHub> {
  const byTenant = new Map<string, Set<LiveStream>>();
  let size = 0;
  let listening = false;
  let stopped = false;
  const each = (f: (s: LiveStream) => void) => byTenant.forEach((set) => set.forEach(f));
  const notified = (payload: string) => {
    const [tenantId, topic, rest] = payload.split(":");
    const streams = byTenant.get(tenantId);
    if (!streams) return;
    if (topic === "session") {
      for (const s of streams) if (s.sessionId === rest) s.end();
      return;
    }
    if (!(LIVE_TOPICS as readonly string[]).includes(topic)) return;
    for (const s of streams) if (s.clientId === null || s.clientId === rest) s.tell(topic as LiveTopic);
  };
  const relistened = () => {
    if (listening) each((s) => s.tell("all"));
    listening = true;
  };
  const { unlisten } = await sql.listen(LIVE_CHANNEL, notified, relistened);
  return {
    join(stream) {
      if (stopped || size >= o.maxStreams) return null;
      const set = byTenant.get(stream.tenantId) ?? new Set();
      byTenant.set(stream.tenantId, set.add(stream));
      size++;
      return () => {
        if (!set.delete(stream)) return;
        size--;
        if (set.size === 0 && byTenant.get(stream.tenantId) === set) byTenant.delete(stream.tenantId);
      };
    },
    get size() {
      return size;
    },
    timing: { heartbeatMs: o.heartbeatMs, minGapMs: o.minGapMs },
    async stop() {
      stopped = true;
      each((s) => s.end());
      await unlisten().catch((error) => o.logger.warn("live pages: unlisten failed", { error: String(error) }));
    },
  };
}
