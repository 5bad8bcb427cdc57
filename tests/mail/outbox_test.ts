import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { withTenant } from "../../db/tenant.ts";
import { createMailDispatcher } from "../../services/mail/dispatcher.ts";
import { enqueueMail, mailLog, replayMail } from "../../services/mail/outbox.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { silentLogger } from "../../services/platform/logger.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { genTenant, TEST_SECRET } from "../helpers/fixtures.ts";
import { startTestSmtp } from "../helpers/mail.ts";

const db = await createTestDatabase();
const sql = db.sql;
const smtp = await startTestSmtp();
const NOW = new Date("2026-11-23T10:00:00Z");

function dispatcher(smtpUrl: string | null, now = NOW) {
  const config = loadConfig({
    OPSDECK_SECRET: TEST_SECRET,
    ...(smtpUrl ? { SMTP_URL: smtpUrl, SMTP_FROM: "ops@example.com" } : {}),
  });
  return createMailDispatcher({
    sql,
    config,
    logger: silentLogger,
    now: () => now,
    secret: TEST_SECRET,
    instanceId: "test-mailer",
    random: () => 0,
  });
}

Deno.test("a queued message is sent after its transaction commits, with headers and attachments", async () => {
  const tenant = await genTenant(sql);
  const reference = crypto.randomUUID();
  const { id } = await withTenant(sql, tenant.id, (tx) =>
    enqueueMail(tx, tenant.id, {
      purpose: "report",
      reference,
      to: "ana@example.com",
      subject: "Weekly report",
      text: "Attached.",
      html: "<p>Attached.</p>",
      headers: { "List-Unsubscribe": "<https://ops.example.com/u/x>" },
      attachments: [{
        filename: "report.csv",
        contentType: "text/csv",
        content: new TextEncoder().encode("a,b\n1,2\n"),
      }],
    }, NOW));
  assertEquals((await mailLog(sql, tenant.id, reference)).map((m) => m.status), ["pending"]);

  assertEquals(await dispatcher(smtp.url).tick(), 1);
  const received = await smtp.next();
  assertEquals(received.to, ["ana@example.com"]);
  assertStringIncludes(received.raw, "Subject: Weekly report");
  assertStringIncludes(received.raw, "List-Unsubscribe: <https://ops.example.com/u/x>");
  assertStringIncludes(received.raw, "filename=report.csv");
  const [row] = await mailLog(sql, tenant.id, reference);
  assertEquals([row.id, row.status, row.attempts, row.sentAt?.toISOString()], [id, "sent", 1, NOW.toISOString()]);
  // Nothing left to send.
  assertEquals(await dispatcher(smtp.url).tick(), 0);
});

Deno.test("a rolled-back transaction queues nothing", async () => {
  const tenant = await genTenant(sql);
  const reference = crypto.randomUUID();
  await withTenant(sql, tenant.id, async (tx) => {
    await enqueueMail(
      tx,
      tenant.id,
      { purpose: "report", reference, to: "a@example.com", subject: "s", text: "t" },
      NOW,
    );
    throw new Error("the change failed");
  }).catch(() => {});
  assertEquals((await mailLog(sql, tenant.id, reference)).length, 0);
});

Deno.test("without SMTP the message fails and is retried later; a replay sends a finished one again", async () => {
  const tenant = await genTenant(sql);
  const reference = crypto.randomUUID();
  const { id } = await withTenant(
    sql,
    tenant.id,
    (tx) =>
      enqueueMail(tx, tenant.id, { purpose: "report", reference, to: "b@example.com", subject: "s", text: "t" }, NOW),
  );
  assertEquals(await dispatcher(null).tick(), 1);
  let [row] = await mailLog(sql, tenant.id, reference);
  assertEquals(row.status, "failed");
  assertStringIncludes(row.lastError ?? "", "SMTP_URL");
  // Not due yet at the same instant (backoff of at least a second), due a minute later.
  assertEquals(await dispatcher(smtp.url).tick(), 0);
  const later = new Date(NOW.getTime() + 60_000);
  const before = smtp.messages.length;
  assertEquals(await dispatcher(smtp.url, later).tick(), 1);
  [row] = await mailLog(sql, tenant.id, reference);
  assertEquals([row.status, row.attempts], ["sent", 2]);
  assert(await replayMail(sql, tenant.id, id, later));
  assertEquals(await dispatcher(smtp.url, later).tick(), 1);
  assertEquals(smtp.messages.length, before + 2);
  // Another tenant cannot replay it.
  const other = await genTenant(sql);
  assertEquals(await replayMail(sql, other.id, id, later), false);
});

addEventListener("unload", () => {
  smtp.stop();
});
