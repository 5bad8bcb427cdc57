/**
 * The attributes of a live element: it re-fetches its own partial (hx-get)
 * when static/js/live.js hears of a change on one of its topics over
 * /ui/live, polls every `pollSeconds` while that stream is down, and
 * otherwise asks only every LIVE_SAFETY_POLL_SECONDS (probe results, which
 * do not push, and anything missed). docs/scaling.md.
 */
import type { LiveTopic } from "../../services/live/hub.ts";

export const LIVE_SAFETY_POLL_SECONDS = 15;

export function liveAttrs(topics: Exclude<LiveTopic, "all">[], pollSeconds: number, o: { load?: boolean } = {}) {
  return {
    "hx-trigger": `${o.load ? "load, " : ""}live, every ${LIVE_SAFETY_POLL_SECONDS}s`,
    "data-live": topics.join(" "),
    "data-live-poll": String(pollSeconds),
  };
}
