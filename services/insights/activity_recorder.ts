/**
 * Records product activity off the request path: `record()` only pushes onto
 * an in-memory buffer (no await, no I/O); a flush writes the buffer in
 * batches of BATCH rows when it reaches that size or every FLUSH_MS. A flush
 * that fails puts its rows back (up to MAX_BUFFER; beyond that the oldest are
 * dropped and counted) and is retried by the next timer, so a database blip
 * or a burst loses nothing the buffer can hold. `stop()` flushes what is left.
 */
import type { Sql } from "../../db/client.ts";
import { type ActivityEvent, insertActivity } from "../../db/queries/user_activity.ts";
import type { Logger } from "../platform/logger.ts";

export const BATCH = 2_000;
export const FLUSH_MS = 1_000;
export const MAX_BUFFER = 200_000;

export interface ActivityRecorder {
  record(event: ActivityEvent): void;
  flush(): Promise<void>;
  stop(): Promise<void>;
  stats(): { recorded: number; written: number; dropped: number; buffered: number };
}

export function createActivityRecorder(sql: Sql, logger: Logger, o = { batch: BATCH, flushMs: FLUSH_MS }) {
  let buffer: ActivityEvent[] = [];
  let flushing: Promise<void> | null = null;
  let recorded = 0, written = 0, dropped = 0;
  let failing = false;
  /** Rows taken out of the buffer by the drain in progress (still ours until written or put back). */
  let inFlight = 0;
  const timer = setInterval(() => void flush(), o.flushMs);

  async function drain(): Promise<void> {
    while (buffer.length > 0) {
      const pending = buffer;
      buffer = [];
      inFlight = pending.length;
      for (let i = 0; i < pending.length; i += o.batch) {
        try {
          written += await insertActivity(sql, pending.slice(i, i + o.batch));
          inFlight = pending.length - i - o.batch;
          failing = false;
        } catch (error) {
          inFlight = 0;
          buffer = pending.slice(i).concat(buffer);
          if (buffer.length > MAX_BUFFER) {
            dropped += buffer.length - MAX_BUFFER;
            buffer = buffer.slice(buffer.length - MAX_BUFFER);
          }
          if (!failing) logger.warn("activity flush failed; kept for the next try", { error: String(error) });
          failing = true;
          return;
        }
      }
    }
  }

  /** One flush at a time; a call during a flush waits for it and then drains what arrived meanwhile. */
  function flush(): Promise<void> {
    flushing ??= drain().finally(() => flushing = null);
    return flushing;
  }

  const recorder: ActivityRecorder = {
    record(event) {
      recorded++;
      buffer.push(event);
      if (buffer.length >= o.batch && !flushing) void flush();
    },
    async flush() {
      await flushing;
      await flush();
    },
    async stop() {
      clearInterval(timer);
      await recorder.flush();
    },
    stats: () => ({ recorded, written, dropped, buffered: buffer.length + Math.max(0, inFlight) }),
  };
  return recorder;
}
