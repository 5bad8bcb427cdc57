import { assertEquals } from "@std/assert";
import { createTestDatabase } from "../helpers/db.ts";
import { captureLogger, genChecks, retentionPass } from "./helpers.ts";

const db = await createTestDatabase();
const sql = db.sql;
const { tenant } = await genChecks(sql);
const NOW = new Date("2026-11-23T15:00:00Z");
const OLD = new Date("2026-01-10T00:00:00Z");
const RECENT = new Date("2026-11-20T00:00:00Z");

const [channel] = await sql<{ id: string }[]>`
  INSERT INTO notification_channels (tenant_id, name, type, config)
  VALUES (${tenant.id}, 'Hook', 'webhook', '{"url": "https://hooks.example.com/opsdeck"}') RETURNING id`;

async function delivery(status: "sent" | "dead" | "pending", createdAt: Date): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO notification_deliveries (tenant_id, channel_id, event_id, event_type, payload, status, sent_at, created_at)
    VALUES (${tenant.id}, ${channel.id}, gen_random_uuid(), 'health_check.down', '{}', ${status},
            ${status === "sent" ? createdAt : null}, ${createdAt})
    RETURNING id`;
  await sql`INSERT INTO notification_attempts (tenant_id, delivery_id, attempt, attempted_at, response_code)
            VALUES (${tenant.id}, ${row.id}, 1, ${createdAt}, 500)`;
  return row.id;
}

Deno.test("retention deletes finished deliveries, their attempts and events past the retention; work still to do stays", async () => {
  const oldSent = await delivery("sent", OLD);
  const oldDead = await delivery("dead", OLD);
  const oldPending = await delivery("pending", OLD);
  const recentSent = await delivery("sent", RECENT);
  for (const at of [OLD, RECENT]) {
    await sql`INSERT INTO events (tenant_id, type, subject_type, subject_id, created_at)
              VALUES (${tenant.id}, 'health_check.down', 'health_check', gen_random_uuid(), ${at})`;
  }
  const { logger } = captureLogger();
  const report = await retentionPass(sql, NOW, 100, logger);

  const left = await sql<{ id: string }[]>`SELECT id FROM notification_deliveries ORDER BY created_at, status`;
  assertEquals(new Set(left.map((r) => r.id)), new Set([oldPending, recentSent]));
  const attempts = await sql<{ delivery_id: string }[]>`SELECT delivery_id FROM notification_attempts`;
  assertEquals(attempts.some((a) => a.delivery_id === oldSent || a.delivery_id === oldDead), false);
  const events = await sql<{ created_at: Date }[]>`SELECT created_at FROM events`;
  assertEquals(events.map((e) => e.created_at.toISOString()), [RECENT.toISOString()]);
  assertEquals(report.deletedRows >= 3, true);
});

Deno.test("retention purges idempotency keys past their expiry and keeps the live ones", async () => {
  const expiries = { expired: new Date(NOW.getTime() - 60_000), live: new Date(NOW.getTime() + 3600_000) };
  for (const [key, expiresAt] of Object.entries(expiries)) {
    await sql`INSERT INTO idempotency_keys (tenant_id, key, method, path, request_hash, expires_at)
              VALUES (${tenant.id}, ${key}, 'POST', '/api/v1/projects', ${new Uint8Array(32)}, ${expiresAt})`;
  }
  const { logger } = captureLogger();
  const report = await retentionPass(sql, NOW, 100, logger);
  const left = await sql<{ key: string }[]>`SELECT key FROM idempotency_keys`;
  assertEquals(left.map((r) => r.key), ["live"]);
  assertEquals(report.expiredIdempotencyKeys, 1);
});
