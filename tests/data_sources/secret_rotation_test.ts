/** `secrets:rotate` covers data-source secrets: re-sealed under the new key, still bound to their row. */
import { assertEquals } from "@std/assert";
import { insertDataSource } from "../../db/queries/data_sources.ts";
import { withTenant } from "../../db/tenant.ts";
import { openSourceSecret, sealSourceSecret } from "../../services/data_sources/secret.ts";
import { createKeyring } from "../../services/platform/secrets/crypto.ts";
import { rotateSecrets } from "../../services/platform/secrets/rotate.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { genTenant } from "../helpers/fixtures.ts";

const OLD = "old-secret-old-secret-old-secret-00000000";
const NEW = "new-secret-new-secret-new-secret-11111111";

Deno.test("secrets:rotate re-encrypts data-source passwords", async () => {
  const { sql } = await createTestDatabase();
  try {
    const tenant = await genTenant(sql);
    const id = crypto.randomUUID();
    const sealed = await sealSourceSecret({ secret: OLD, previousSecrets: [] }, id, { password: "hunter2" });
    await withTenant(sql, tenant.id, (tx) =>
      insertDataSource(tx, {
        id,
        tenantId: tenant.id,
        name: "Shop",
        kind: "postgresql",
        config: { host: "db.example", port: 5432 },
        secret: sealed,
        createdBy: null,
        now: new Date(),
      }));

    const result = await rotateSecrets(sql, { current: NEW, previous: [OLD] });
    assertEquals(result.tenants[0].dataSources, 1);
    assertEquals(result.failed, 0);

    const [row] = await sql<{ secret_ciphertext: Uint8Array; key_id: string }[]>`
      SELECT secret_ciphertext, key_id FROM data_sources WHERE id = ${id}`;
    assertEquals(row.key_id, (await createKeyring({ current: NEW }, "notification_channel_secrets")).currentKeyId);
    assertEquals(await openSourceSecret({ secret: NEW, previousSecrets: [] }, id, row), { password: "hunter2" });
    const [audit] = await sql`SELECT details FROM audits WHERE action = 'secrets.rotate' AND tenant_id = ${tenant.id}`;
    assertEquals(audit.details.rotated.data_sources, 1);
    const again = await rotateSecrets(sql, { current: NEW, previous: [OLD] });
    assertEquals(again.rotated, 0);
  } finally {
    await sql.end();
  }
});
