import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genTenant, genUser, signIn, TEST_SECRET } from "../helpers/fixtures.ts";
import { decodeQuotedPrintable, startTestSmtp } from "../helpers/mail.ts";
import { loadConfig } from "../../services/platform/config.ts";

async function appWithSmtp(smtpUrl: string) {
  const config = loadConfig({ OPSDECK_SECRET: TEST_SECRET, SMTP_URL: smtpUrl, SMTP_FROM: "Opsdeck <ops@example.com>" });
  const test = await createTestApp({ config });
  const tenant = await genTenant(test.db.sql, { name: "Initech Ops" });
  const admin = await signIn(test.db.sql, await genUser(test.db.sql, tenant.id, { role: "admin", name: "Peter" }));
  const invite = (email: string) =>
    test.app.request("/api/v1/users", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...admin.bearer },
      body: JSON.stringify({ email, role: "employee" }),
    });
  return { ...test, invite };
}

Deno.test("with SMTP_URL set, the invitation is e-mailed with text and HTML parts holding the same link", async () => {
  const smtp = await startTestSmtp();
  const { invite, db } = await appWithSmtp(smtp.url);
  try {
    const res = await invite("milton@example.com");
    assertEquals(res.status, 201);
    const body = await res.json();
    assertEquals(body.email_sent, true);
    const mail = await smtp.next();
    assertEquals(mail.to, ["milton@example.com"]);
    assertEquals(mail.from, "ops@example.com");
    const text = decodeQuotedPrintable(mail.raw);
    assertStringIncludes(text, "Subject: Your invitation to Initech Ops on Opsdeck");
    assertStringIncludes(text, "Content-Type: text/plain");
    assertStringIncludes(text, "Content-Type: text/html");
    const links = [...text.matchAll(/http:\/\/localhost\/invitations\/accept\?token=[A-Za-z0-9_-]+/g)].map((m) => m[0]);
    assertEquals(links.length, 2, "one link per part");
    assertEquals(new Set(links), new Set([body.invite_url]));
    assertStringIncludes(text, "Peter invited you");
  } finally {
    await smtp.stop();
    await db.sql.end();
  }
});

Deno.test("an unreachable SMTP server does not lose the invitation: the link is returned and a warning logged", async () => {
  const { invite, db, logs } = await appWithSmtp("smtp://127.0.0.1:1");
  try {
    const res = await invite("samir@example.com");
    assertEquals(res.status, 201);
    const body = await res.json();
    assertEquals(body.email_sent, false);
    assertMatch(body.invite_url, /token=/);
    const warning = logs.find((l) => l.msg === "invitation e-mail not sent");
    assert(warning, "logged");
    assertEquals(warning.to, "samir@example.com");
  } finally {
    await db.sql.end();
  }
});
