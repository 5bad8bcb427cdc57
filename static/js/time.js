// Every <time datetime> in the reader's zone: the profile's (<html data-time-zone>) or, when none is chosen, the
// browser's. One format across the app ("2026-03-01 18:30 GMT+9"); data-format="relative" shows "5 min ago" with
// the absolute time on hover, data-format="clock" the time of day with seconds. The server renders the same format in the profile's zone or UTC, so pages read
// the same without script. Runs on load and on every htmx swap; relative times refresh every 30 s.
(() => {
  const zone = document.documentElement.dataset.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  });
  const absolute = (date) => {
    const p = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
  };
  // data-format="clock": the time of day with seconds, for "Updated 18:30:05 GMT+9" on live parts.
  const clockFormat = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  });
  const clock = (date) => {
    const p = Object.fromEntries(clockFormat.formatToParts(date).map((part) => [part.type, part.value]));
    return `${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
  };
  const relative = (date) => {
    const s = Math.round((Date.now() - date.getTime()) / 1000);
    const future = s < 0;
    const a = Math.abs(s);
    const text = a < 60
      ? `${a} s`
      : a < 3600
      ? `${Math.floor(a / 60)} min`
      : a < 86400
      ? `${Math.floor(a / 3600)} h`
      : `${Math.floor(a / 86400)} d`;
    return future ? `in ${text}` : `${text} ago`;
  };
  const show = (root) => {
    for (const el of root.querySelectorAll("time[datetime]")) {
      const iso = el.getAttribute("datetime");
      if (!iso.includes("T")) continue; // a date alone has no zone
      const date = new Date(iso);
      if (Number.isNaN(date.getTime())) continue;
      el.title = absolute(date);
      const kind = el.dataset.format;
      el.textContent = kind === "relative" ? relative(date) : kind === "clock" ? clock(date) : absolute(date);
    }
  };
  document.addEventListener("DOMContentLoaded", () => show(document));
  document.addEventListener("htmx:load", (event) => show(event.detail.elt.parentElement ?? event.detail.elt));
  setInterval(() => show(document), 30_000);
})();
