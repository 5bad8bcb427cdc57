/**
 * One outbound policy, built once with the database's address: with
 * OPSDECK_WEBHOOK_ALLOW and OPSDECK_PROBE_ALLOW covering loopback, webhooks
 * and checks aimed at the test database are refused when saved (422 naming
 * the field) and when sent. Before, the webhook sender's policy did not know
 * the embedded database, and checks were refused only at run time.
 */
import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { createTestApp } from "../helpers/app.ts";
import { genPersonas, TEST_SECRET } from "../helpers/fixtures.ts";
import { jsonRequest, problem } from "../helpers/http.ts";
import { genProject } from "../helpers/catalog.ts";
import { startWebhookReceiver } from "../helpers/webhook_receiver.ts";
import { loadConfig, withDatabaseAddress } from "../../services/platform/config.ts";
import { databaseUrlOf } from "../../services/platform/net/policy.ts";
import { postJson } from "../../services/notifications/channels/http.ts";
import { OutboundError } from "../../services/platform/net/http_client.ts";

const test = await createTestApp();
const { app, db } = test;
const dbUrl = databaseUrlOf(db.sql)!;
const dbPort = Number(new URL(dbUrl).port);
test.deps.config = withDatabaseAddress(
  loadConfig({ OPSDECK_SECRET: TEST_SECRET, OPSDECK_WEBHOOK_ALLOW: "127.0.0.0/8", OPSDECK_PROBE_ALLOW: "127.0.0.0/8" }),
  dbUrl,
);
const p = await genPersonas(db.sql);
const project = await genProject(db.sql, p.tenant.id, p.clients.acme.id);

const webhook = (url: string) => ({ name: "Hook", type: "webhook", config: { url } });

Deno.test("a webhook channel to the database's address is refused when saved, by address and by name", async () => {
  for (const host of ["127.0.0.1", "localhost", "127.0.0.2"]) {
    const res = await app.request(
      "/api/v1/notification-channels",
      jsonRequest("POST", webhook(`http://${host}:${dbPort}/`), p.alice.bearer),
    );
    const body = await problem(res, 422);
    assertEquals(body.errors[0].path, "config.url", host);
    assertStringIncludes(body.errors[0].message, "Opsdeck's own database");
  }
  assertEquals((await db.sql`SELECT 1 FROM notification_channels`).length, 0);
});

Deno.test("the allow list still lets a webhook reach another loopback port, and an update to the database is refused", async () => {
  const receiver = startWebhookReceiver();
  try {
    const created = await app.request(
      "/api/v1/notification-channels",
      jsonRequest("POST", webhook(receiver.url), p.alice.bearer),
    );
    assertEquals(created.status, 201);
    const { id } = await created.json();
    const moved = await app.request(
      `/api/v1/notification-channels/${id}`,
      jsonRequest("PATCH", { config: { url: `http://127.0.0.1:${dbPort}/` } }, p.alice.bearer),
    );
    assertEquals((await problem(moved, 422)).errors[0].path, "config.url");
  } finally {
    await receiver.stop();
  }
});

Deno.test("the webhook sender refuses the database too (the same policy object)", async () => {
  const error = await assertRejects(() =>
    postJson({
      url: `http://127.0.0.1:${dbPort}/`,
      headers: {},
      body: "{}",
      config: test.deps.config,
      timeoutMs: 2000,
      maxBodyBytes: 1024,
    })
  );
  assertEquals((error as OutboundError).kind, "blocked");
});

Deno.test("HTTP and TCP checks aimed at the database are refused at create time with 422 naming the field", async () => {
  const http = await app.request(
    "/api/v1/health-checks",
    jsonRequest(
      "POST",
      { project_id: project.id, name: "DB", type: "http", url: `http://localhost:${dbPort}/` },
      p.alice.bearer,
    ),
  );
  assertEquals((await problem(http, 422)).errors[0].path, "url");
  const tcp = await app.request(
    "/api/v1/health-checks",
    jsonRequest(
      "POST",
      { project_id: project.id, name: "DB", type: "tcp", host: "127.0.0.1", port: dbPort },
      p.alice.bearer,
    ),
  );
  const body = await problem(tcp, 422);
  assertEquals(body.errors[0].path, "host");
  assertStringIncludes(body.errors[0].message, "Opsdeck's own database");
  const other = await app.request(
    "/api/v1/health-checks",
    jsonRequest(
      "POST",
      { project_id: project.id, name: "Other", type: "tcp", host: "127.0.0.1", port: 9 },
      p.alice.bearer,
    ),
  );
  assertEquals(other.status, 201);
});
