// Browser notifications for new alerts on the inbox. Opt-in per browser: the permission prompt only follows a click
// on the button, and the choice is kept in localStorage. New alerts arrive as rows of the inbox's poll
// (#alerts-poll, every 5 s); each is announced once, and clicking the notification opens the alert.
(() => {
  const KEY = "opsdeck.alertNotifications";
  const button = document.getElementById("alert-notify-toggle");
  if (!button || !("Notification" in window)) return;
  const on = () => localStorage.getItem(KEY) === "on" && Notification.permission === "granted";
  const label = () => {
    button.textContent = on()
      ? "Browser notifications: on"
      : Notification.permission === "denied"
      ? "Browser notifications: blocked in this browser's settings"
      : "Notify me in this browser";
    button.setAttribute("aria-pressed", String(on()));
  };
  button.hidden = false;
  label();
  button.addEventListener("click", async () => {
    if (on()) localStorage.setItem(KEY, "off");
    else if ((await Notification.requestPermission()) === "granted") localStorage.setItem(KEY, "on");
    label();
  });

  const seen = new Set();
  document.addEventListener("htmx:load", () => {
    for (const row of document.querySelectorAll("#alerts-poll tr.alert-row")) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      if (!on()) continue;
      const link = row.querySelector("a[href^='/alerts/']");
      const severity = row.querySelector(".badge")?.textContent ?? "";
      const notification = new Notification(`${severity}: ${link?.textContent ?? "New alert"}`, {
        body: row.querySelector("small")?.textContent ?? "",
        tag: row.id,
      });
      notification.onclick = () => {
        globalThis.focus();
        if (link) location.href = link.getAttribute("href");
      };
    }
  });
})();
