/**
 * GET /api/v1/approvals/{id}/wait: answers as soon as the request is no
 * longer pending, or after `seconds` with it still pending.
 *
 * Woken by LISTEN: a decision on any replica NOTIFYs `opsdeck_approvals` with
 * the request's id at commit (migration 00190). postgres.js keeps one
 * listening connection per pool and one LISTEN per channel, however many
 * waits there are, and re-listens after a reconnect (calling `onlisten`
 * again, which re-reads, since a notification sent meanwhile is lost). The
 * row is re-read every `pollMs` as the fallback (a listener that failed to
 * start, or a notification lost in a reconnect), and at the request's expiry,
 * which only a read notices.
 */
import type { Sql } from "../../db/client.ts";
import type { ApprovalRow } from "../../db/queries/approvals.ts";
import type { Principal } from "../auth/permissions.ts";
import { getApproval } from "./approvals.ts";

export const DECIDED_CHANNEL = "opsdeck_approvals";

export interface WaitOptions {
  seconds: number;
  now: () => Date;
  ip: { ip: string | null; userAgent: string | null };
  /** The fallback re-read (OPSDECK_APPROVAL_WAIT_POLL_MS); a decision normally arrives by notification. */
  pollMs: number;
}

export async function waitForDecision(
  sql: Sql,
  principal: Principal,
  id: string,
  { seconds, now, ip, pollMs }: WaitOptions,
): Promise<ApprovalRow> {
  const until = Date.now() + seconds * 1000;
  let wake: () => void = () => {};
  let woken = false;
  const onWake = () => {
    woken = true;
    wake();
  };
  // Listening before the first read: a decision committed in between still wakes the loop.
  const listener = await sql.listen(DECIDED_CHANNEL, (payload) => payload === id && onWake(), onWake)
    .catch(() => undefined);
  try {
    while (true) {
      woken = false;
      const { approval } = await getApproval(sql, principal, id, { actor: principal, ...ip, now: now() });
      const left = until - Date.now();
      if (approval.status !== "pending" || left <= 0) return approval;
      if (woken) continue;
      const toExpiry = approval.expires_at.getTime() - now().getTime();
      const ms = Math.max(0, Math.min(pollMs, left, toExpiry));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => (clearTimeout(timer), resolve());
      });
      wake = () => {};
    }
  } finally {
    await listener?.unlisten().catch(() => {});
  }
}
