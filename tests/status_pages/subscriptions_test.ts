/**
 * Subscriptions against a real SMTP server and a real webhook receiver on
 * 127.0.0.1: double opt-in, no second mail for a second subscription, rate
 * limits per address, forged links refused (400), an incident update mailed
 * with a signed one-click unsubscribe (List-Unsubscribe + -Post) that works,
 * and a Standard Webhooks signed POST.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest } from "../helpers/http.ts";
import { genProject } from "../helpers/catalog.ts";
import { decodeQuotedPrintable, startTestSmtp } from "../helpers/mail.ts";
import { startWebhookReceiver } from "../helpers/webhook_receiver.ts";
import { loadConfig } from "../../services/platform/config.ts";
import { createMailDispatcher } from "../../services/mail/dispatcher.ts";
import { createStatusSubscriptionsWorker } from "../../services/status_pages/subscriptions_worker.ts";
import { silentLogger } from "../../services/platform/logger.ts";

const smtp = await startTestSmtp();
const hook = startWebhookReceiver();
const config = loadConfig({
  OPSDECK_SECRET: TEST_SECRET,
  SMTP_URL: smtp.url,
  SMTP_FROM: "status@example.com",
  OPSDECK_WEBHOOK_ALLOW: "127.0.0.0/8",
  OPSDECK_API_RATE_LIMIT: "0",
  OPSDECK_API_RATE_LIMIT_IP: "0",
  OPSDECK_BASE_URL: "http://localhost",
});
const { app, db, deps } = await createTestApp({ config });
const sql = db.sql;
const p = await genPersonas(sql);
const project = await genProject(sql, p.tenant.id, p.clients.acme.id);
const [check] = await sql`
  INSERT INTO health_checks (tenant_id, project_id, name, type, url)
  VALUES (${p.tenant.id}, ${project.id}, 'internal', 'http', 'https://internal.example/') RETURNING id`;
const bg = {
  sql,
  config: deps.config,
  logger: silentLogger,
  now: () => new Date(),
  secret: TEST_SECRET,
  instanceId: "t",
};
const mailer = createMailDispatcher({ ...bg, random: () => 0 });
const worker = createStatusSubscriptionsWorker(bg);

async function call(method: string, path: string, body?: unknown) {
  return await app.request(path, jsonRequest(method, body, p.alice.bearer));
}
const subscribe = (email: string) =>
  app.request("/status/acme-subs/subscribe", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email }),
  });
const mails = async (n: number) => {
  await mailer.tick();
  while (smtp.messages.length < n) await smtp.next();
  return smtp.messages.map((m) => ({ ...m, text: decodeQuotedPrintable(m.raw) }));
};
const linkIn = (text: string, what: string) =>
  new URL(new RegExp(`(http\\S+/${what}\\?token=[\\w.-]+)`).exec(text)![1]);

Deno.test("status page subscriptions", async (t) => {
  try {
    const page = await (await call("POST", "/api/v1/status-pages", {
      title: "Acme",
      slug: "acme-subs",
      client_id: p.clients.acme.id,
      published: true,
    })).json();
    const comp = await (await call("POST", `/api/v1/status-pages/${page.id}/components`, {
      name: "Shop",
      check_ids: [check.id],
    })).json();
    let confirmUrl: URL;

    await t.step("double opt-in: a confirmation mail, nothing before confirming, nothing twice", async () => {
      assertEquals((await subscribe("Reader@Example.com")).status, 202);
      assertEquals((await subscribe("reader@example.com")).status, 202); // the same answer, no second mail
      const [first] = await mails(1);
      assertEquals(first.to, ["reader@example.com"]);
      confirmUrl = linkIn(first.text, "confirm");
      await mailer.tick();
      assertEquals(smtp.messages.length, 1);
      const [sub] = await sql`SELECT confirmed_at FROM status_subscribers WHERE email = 'reader@example.com'`;
      assertEquals(sub.confirmed_at, null);
      // a GET (a mail scanner) only shows the button
      assertEquals((await app.request(confirmUrl.pathname + confirmUrl.search)).status, 200);
      assertEquals((await sql`SELECT confirmed_at FROM status_subscribers`)[0].confirmed_at, null);
      assertEquals((await app.request(confirmUrl.pathname + confirmUrl.search, { method: "POST" })).status, 200);
      assert((await sql`SELECT confirmed_at FROM status_subscribers`)[0].confirmed_at);
    });

    await t.step("bombing: the per-address limit answers 429; a bad address is refused", async () => {
      for (let i = 0; i < 3; i++) await subscribe("victim@example.com");
      const res = await subscribe("victim@example.com");
      assertEquals(res.status, 429);
      assert(res.headers.get("Retry-After"));
      assertEquals((await subscribe("<script>@x")).status, 422);
      const [{ n }] = await sql`SELECT count(*)::int AS n FROM status_subscribers WHERE email = 'victim@example.com'`;
      assertEquals(n, 1);
    });

    await t.step("forged or altered links are 400", async () => {
      const forged = confirmUrl.search.replace(/.$/, (ch) => ch === "A" ? "B" : "A");
      assertEquals((await app.request(`/status/acme-subs/confirm${forged}`, { method: "POST" })).status, 400);
      assertEquals(
        (await app.request(`/status/acme-subs/unsubscribe${confirmUrl.search}`, { method: "POST" })).status,
        400,
      );
      assertEquals((await app.request(`/status/acme-subs/unsubscribe?token=nonsense`, { method: "POST" })).status, 400);
    });

    await t.step("an incident reaches the subscriber by mail with one-click unsubscribe, and the webhook", async () => {
      const added = await call("POST", `/api/v1/status-pages/${page.id}/subscribers`, { webhook_url: hook.url });
      assertEquals(added.status, 201);
      hook.secret = (await added.json()).secret;
      assertMatch(hook.secret, /^whsec_/);
      assertEquals(
        (await call("POST", "/api/v1/incidents", {
          page_id: page.id,
          title: "Checkout slow",
          message: "Looking into it",
          component_ids: [comp.id],
        })).status,
        201,
      );
      assertEquals(await worker.tick(), 2);
      const all = await mails(3);
      const update = all.find((m) => m.text.includes("Checkout slow"))!;
      assertEquals(update.to, ["reader@example.com"]);
      assertStringIncludes(update.raw, "List-Unsubscribe-Post: List-Unsubscribe=One-Click");
      assertMatch(update.raw, /List-Unsubscribe:\s+<http:\/\/localhost\/status\/acme-subs\/unsubscribe\?token=/);
      assertEquals(hook.received.length, 1);
      assert(hook.received[0].verified);
      assertEquals(JSON.parse(hook.received[0].body).data.title, "Checkout slow");
      const unsub = linkIn(update.text, "unsubscribe");
      const res = await app.request(unsub.pathname + unsub.search, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      });
      assertEquals(res.status, 200);
      const [{ n }] = await sql`SELECT count(*)::int AS n FROM status_subscribers WHERE email = 'reader@example.com'`;
      assertEquals(n, 0);
    });
  } finally {
    await smtp.stop();
    await hook.stop();
    await sql.end();
  }
});
