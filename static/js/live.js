// Live pages (docs/scaling.md): an element with data-live="checks alerts" re-fetches its own partial (the htmx
// "live" event in its hx-trigger) when /ui/live says its tenant changed something on one of those topics. The
// stream carries topics only; what the partial shows is decided by the server as on any request. While the stream
// is down (not open yet, dropped, or refused with 503 when the replica holds its most) each element polls itself
// every data-live-poll seconds instead; the slow "every" in its hx-trigger is the last resort without this script.
(() => {
  const elements = () => document.querySelectorAll("[data-live]");
  const wake = (topic) => {
    for (const el of elements()) {
      if (topic === "all" || el.dataset.live.split(" ").includes(topic)) htmx.trigger(el, "live");
    }
  };
  let connected = false;
  let opened = false;
  const due = new WeakMap();
  setInterval(() => {
    if (connected) return;
    const now = Date.now();
    for (const el of elements()) {
      const every = Number(el.dataset.livePoll || 5) * 1000;
      if (!due.has(el)) due.set(el, now + every);
      else if (now >= due.get(el)) {
        due.set(el, now + every);
        htmx.trigger(el, "live");
      }
    }
  }, 1000);
  const open = () => {
    // The meta tag is there when this replica pushes (a signed-in page); otherwise the elements poll.
    const url = document.querySelector('meta[name="opsdeck-live"]')?.content;
    if (!url || !elements().length || !globalThis.EventSource) return;
    const source = new EventSource(url);
    source.onopen = () => {
      connected = true;
      document.documentElement.dataset.liveStream = "open";
      // Changes made while the stream was away were not told: look once.
      if (opened) wake("all");
      opened = true;
    };
    source.onmessage = (event) => wake(event.data);
    source.onerror = () => {
      connected = false;
      document.documentElement.dataset.liveStream = "down";
      // Refused (503: this replica holds its most streams; 401: signed out): the page polls, and asks again later.
      if (source.readyState === EventSource.CLOSED) setTimeout(open, 60_000);
    };
  };
  document.addEventListener("DOMContentLoaded", open);
})();
