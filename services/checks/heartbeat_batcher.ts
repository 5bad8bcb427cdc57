/**
 * Group commit for heartbeat pings. A ping joins the batch being gathered and
 * is answered when the transaction holding it has committed, never before, so
 * no acknowledged ping can be lost. While no batch is being written a ping is
 * written at once (no wait when idle); while one is, the pings arriving meanwhile
 * gather and go together as the next batch as soon as it finishes: under load
 * batches form in about one commit's time (a few ms), and a transaction of a
 * few round trips carries hundreds of pings instead of one.
 *
 * When a batch fails, its pings are retried one by one, so one bad ping does
 * not fail the others; each answer is that ping's own outcome.
 */
import type { Sql } from "../../db/client.ts";

/** More than this many waiting pings are split into several batches, so one transaction stays short. */
export const MAX_BATCH = 500;
/** Batches written at once per pool: two keep the database busy while the next batch gathers. */
const IN_FLIGHT = 2;

type Write<P, R> = (sql: Sql, items: P[]) => Promise<R[]>;

interface Waiting<P, R> {
  item: P;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class Batcher<P, R> {
  #queue: Waiting<P, R>[] = [];
  #inFlight = 0;

  constructor(private sql: Sql, private write: Write<P, R>) {}

  submit(item: P): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#drain();
    });
  }

  #drain() {
    while (this.#inFlight < IN_FLIGHT && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      this.#inFlight++;
      this.#run(batch).finally(() => {
        this.#inFlight--;
        this.#drain();
      });
    }
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
