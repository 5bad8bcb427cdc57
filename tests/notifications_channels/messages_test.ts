import { assertEquals, assertFalse, assertStringIncludes } from "@std/assert";
import { describe } from "../../services/notifications/channels/describe.ts";
import { emailForEvent } from "../../services/notifications/channels/email/message.ts";
import { slackForEvent, slackText } from "../../services/notifications/channels/slack/message.ts";

const at = new Date("2026-11-23T10:00:00Z");
const ev = (eventType: string, payload: Record<string, unknown>) => ({ eventType, payload, createdAt: at });
const EVIL = "<!channel> & <b>x</b> @here";

// Payloads as the emitters write them (checks and alerts flat, deployments and change requests nested).
const CASES: [string, Record<string, unknown>, string][] = [
  [
    "health_check.down",
    { check_id: "c1", check_name: "API", project_name: "Shop", detail: "refused" },
    "DOWN: API (Shop)",
  ],
  ["health_check.up", { check_name: "API", project_name: "Shop" }, "UP: API (Shop)"],
  ["health_check.degraded", { check_name: "API" }, "DEGRADED: API"],
  [
    "heartbeat.missed",
    { check_name: "Nightly backup", last_ping_at: "2026-11-22T02:00:00Z" },
    "MISSED: Nightly backup",
  ],
  ["certificate.expiring", { check_name: "Site", days_left: 9 }, "CERTIFICATE EXPIRING in 9 days: Site"],
  [
    "deployment.failed",
    { deployment: { environment: "production" }, project: { name: "Shop" } },
    "Deployment FAILED: Shop to production",
  ],
  ["alert.triggered", { alert_id: "a1", summary: "API down", status: "triggered" }, "ALERT: API down"],
  ["alert.acknowledged", { alert_id: "a1", summary: "API down", status: "acknowledged" }, "ACKNOWLEDGED: API down"],
  ["alert.resolved", { alert_id: "a1", summary: "API down", status: "resolved" }, "RESOLVED: API down"],
  [
    "change_request.created",
    { change_request: { title: "New logo" }, project: { name: "Shop" } },
    "New change request",
  ],
  [
    "change_request.decided",
    { change_request: { title: "New logo" }, decision: "approved" },
    "Change request APPROVED",
  ],
  ["channel.test", { channel: { name: "Ops" } }, "Test notification from Opsdeck"],
];

Deno.test("every event family has a title built from its data", () => {
  for (const [type, payload, title] of CASES) {
    assertStringIncludes(describe(ev(type, payload)).title, title, type);
  }
});

Deno.test("check links fall back to the check's page; alert messages carry the alert for the buttons", () => {
  assertEquals(describe(ev("health_check.down", { check_id: "c1", check_name: "API" })).path, "/checks/c1");
  assertEquals(describe(ev("alert.triggered", { alert_id: "a1", summary: "x" })).alert, {
    id: "a1",
    status: "triggered",
  });
});

Deno.test("Slack escaping: no mention, link or markup can be formed from a name", () => {
  assertEquals(slackText(EVIL), "&lt;!channel&gt; &amp; &lt;b&gt;x&lt;/b&gt; @\u200bhere");
  const wire = JSON.stringify(
    slackForEvent(ev("health_check.down", { check_name: EVIL, project_name: EVIL }), undefined),
  );
  assertFalse(wire.includes("<!channel>"));
  assertFalse(wire.includes("@here"));
  assertFalse(wire.includes("<b>"));
});

Deno.test("e-mail: the subject has no line breaks and the HTML part escapes names", () => {
  const mail = emailForEvent(
    ev("health_check.down", { check_name: "API\r\nBcc: victim@example.com", project_name: EVIL }),
    "https://ops.example.com",
  );
  assertFalse(/[\r\n]/.test(mail.subject));
  assertStringIncludes(mail.subject, "[Opsdeck] DOWN: API Bcc: victim@example.com");
  assertStringIncludes(mail.html, "&lt;!channel&gt; &amp; &lt;b&gt;x&lt;/b&gt;");
  assertFalse(mail.html.includes("<b>x"));
  assertStringIncludes(mail.text, "<!channel> & <b>x</b>");
});
