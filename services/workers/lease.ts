/**
 * Leases on claimed work (checks being probed, deliveries being sent, mail).
 * A claim is short and renewed by a heartbeat while the work runs, so the
 * work of a replica that died (kill -9, lost node) is free for the others
 * within one lease, whatever the work's own timeout: a 120 s probe timeout no
 * longer means a 150 s lease. The renewal is one UPDATE per worker per beat.
 *
 * LEASE_MS bounds the takeover after a kill (at most a lease after the last
 * beat, plus a poll); RENEW_EVERY_MS leaves room for two missed beats (a
 * database hiccup) before a lease runs out under work still in progress.
 */
import type { Logger } from "../platform/logger.ts";

export const LEASE_MS = 9_000;
export const RENEW_EVERY_MS = 3_000;

export interface Renewal {
  stop(): void;
}

/**
 * Calls `renew` every `everyMs` (never two at once) until `stop()`. A failing
 * renewal is logged once per run of failures; the next beat tries again.
 */
export function startRenewal(
  o: { name: string; logger: Logger; renew: () => Promise<void>; everyMs?: number },
): Renewal {
  const everyMs = o.everyMs ?? RENEW_EVERY_MS;
  let stopped = false;
  let failing = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const beat = async () => {
    try {
      await o.renew();
      if (failing) o.logger.info(`${o.name}: renewing leases recovered`);
      failing = false;
    } catch (error) {
      if (!failing) o.logger.error(`${o.name}: renewing leases failed`, { error: String(error) });
      failing = true;
    }
    if (!stopped) timer = setTimeout(beat, everyMs);
  };
  timer = setTimeout(beat, everyMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
