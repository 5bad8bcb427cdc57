/**
 * Group commit for heartbeat pings. A ping joins the batch being gathered and
 * is answered when the transaction holding it has committed, never before, so
 * no acknowledged ping can be lost. While no batch is being written a ping is
 * written at once (no wait when idle); while one is, the pings arriving meanwhile
 * gather and go together as the next batch as soon as it finishes: under load
 * batches form in about one commit's time (a few ms), and a transaction of a
 * few round trips carries hundreds of pings instead of one.
 *
 * One batch is written at a time per pool. Pings of one check lock the same
 * row, so a second batch in flight only waited for the first one's lock and
 * split the queue into smaller batches: with two, batches of 6.6 pings took
 * 3.6 ms to lock and 3.2 ms to commit; with one, batches of 10 took 0.9 and
 * 2.8 ms (bench/heartbeats_bench.ts, one check, docs/performance.md).
 *
 * When a batch fails, its pings are retried one by one, so one bad ping does
 * not fail the others; each answer is that ping's own outcome.
 *
 * Pings skip the request path's admission queue (they hold no connection of
 * their own), so the batcher bounds its own: past MAX_WAITING a ping is
 * answered 503 at once, as admission would, instead of piling up while the
 * database is frozen.
 */
import type { Sql } from "../../db/client.ts";
import { busyError } from "../system/database_troubles.ts";

/** More than this many waiting pings are split into several batches, so one transaction stays short. */
export const MAX_BATCH = 500;
/** Pings waiting for their batch, at most; one file descriptor and a few hundred bytes each. */
export const MAX_WAITING = 5_000;

type Write<P, R> = (sql: Sql, items: P[]) => Promise<R[]>;

interface Waiting<P, R> {
  item: P;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class Batcher<P, R> {
  #queue: Waiting<P, R>[] = [];
  #writing = false;

  constructor(private sql: Sql, private write: Write<P, R>) {}

  submit(item: P): Promise<R> {
    if (this.#queue.length >= MAX_WAITING) {
      return Promise.reject(busyError("Too many heartbeat pings are waiting for the database; try again shortly"));
    }
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#drain();
    });
  }

  #drain() {
    if (this.#writing || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, MAX_BATCH);
    this.#writing = true;
    this.#run(batch).finally(() => {
      this.#writing = false;
      this.#drain();
    });
  }

  async #run(batch: Waiting<P, R>[]) {
    try {
      const answers = await this.write(this.sql, batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(answers[i]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      // One ping's failure must not fail the rest: each alone, its own answer.
      await Promise.all(batch.map((w) => this.write(this.sql, [w.item]).then(([r]) => w.resolve(r), w.reject)));
    }
  }
}

const batchers = new WeakMap<Sql, Map<unknown, unknown>>();

/** The process's batcher for `write` on this pool (one per pool, so tests on their own databases stay apart). */
export function batcherFor<P, R>(sql: Sql, write: Write<P, R>): Batcher<P, R> {
  let byWrite = batchers.get(sql);
  if (!byWrite) batchers.set(sql, byWrite = new Map());
  let batcher = byWrite.get(write) as Batcher<P, R> | undefined;
  if (!batcher) byWrite.set(write, batcher = new Batcher(sql, write));
  return batcher;
}
