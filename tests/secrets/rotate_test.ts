import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import type { Sql } from "../../db/client.ts";
import { insertIdentity } from "../../db/queries/external_identities.ts";
import { withTenant } from "../../db/tenant.ts";
import { createKeyring, type Keyring } from "../../services/platform/secrets/crypto.ts";
import { channelSecretAad, identityTokenAad } from "../../services/platform/secrets/fields.ts";
import { rotateSecrets } from "../../services/platform/secrets/rotate.ts";
import { webhookSecretAad } from "../../services/github/secret.ts";
import { storeWebhookSecret } from "../../db/queries/github_webhooks.ts";
import { createTestDatabase } from "../helpers/db.ts";
import { genTenant, genUser } from "../helpers/fixtures.ts";

const OLD = "old-secret-old-secret-old-secret-00000000";
const NEW = "new-secret-new-secret-new-secret-11111111";

async function genIdentity(sql: Sql, tenantId: string, keys: Keyring, tokens: { access: string; refresh?: string }) {
  const user = await genUser(sql, tenantId, { withPassword: false });
  const id = crypto.randomUUID();
  const access = await keys.encrypt(tokens.access, identityTokenAad(id, "access_token"));
  const refresh = tokens.refresh ? await keys.encrypt(tokens.refresh, identityTokenAad(id, "refresh_token")) : null;
  await withTenant(sql, tenantId, (tx) =>
    insertIdentity(tx, {
      id,
      tenantId,
      userId: user.id,
      provider: "oidc",
      issuer: "https://idp.example.com",
      subject: id,
      email: user.email,
      accessTokenCiphertext: access.ciphertext,
      refreshTokenCiphertext: refresh?.ciphertext ?? null,
      keyId: keys.currentKeyId,
      tokenExpiresAt: null,
      scopes: [],
    }));
  return id;
}

async function genChannel(sql: Sql, tenantId: string, keys: Keyring, secret: object) {
  const id = crypto.randomUUID();
  const sealed = await keys.encrypt(JSON.stringify(secret), channelSecretAad(id));
  await withTenant(
    sql,
    tenantId,
    (tx) =>
      tx`INSERT INTO notification_channels (id, tenant_id, name, type, secret_ciphertext, key_id)
       VALUES (${id}, ${tenantId}, ${"Ops " + id.slice(0, 4)}, 'webhook', ${sealed.ciphertext}, ${sealed.keyId})`,
  );
  return id;
}

async function readIdentity(sql: Sql, id: string) {
  const [row] = await sql`SELECT key_id, access_token_ciphertext, refresh_token_ciphertext
    FROM external_identities WHERE id = ${id}`;
  return row;
}

async function openIdentity(keys: Keyring, sql: Sql, id: string) {
  const row = await readIdentity(sql, id);
  const open = (value: Uint8Array | null, column: "access_token" | "refresh_token") =>
    value ? keys.decrypt({ ciphertext: new Uint8Array(value), keyId: row.key_id }, identityTokenAad(id, column)) : null;
  return {
    keyId: row.key_id,
    access: await open(row.access_token_ciphertext, "access_token"),
    refresh: await open(row.refresh_token_ciphertext, "refresh_token"),
  };
}

async function openChannel(keys: Keyring, sql: Sql, id: string) {
  const [row] = await sql`SELECT key_id, secret_ciphertext FROM notification_channels WHERE id = ${id}`;
  return {
    keyId: row.key_id,
    secret: JSON.parse(
      await keys.decrypt(
        { ciphertext: new Uint8Array(row.secret_ciphertext), keyId: row.key_id },
        channelSecretAad(id),
      ),
    ),
  };
}

Deno.test("secrets:rotate re-encrypts every old row in batches, per tenant with one audit row; the old key still works until then", async () => {
  const { sql } = await createTestDatabase();
  const oldTokens = await createKeyring({ current: OLD }, "external_identity_tokens");
  const oldChannels = await createKeyring({ current: OLD }, "notification_channel_secrets");
  const newTokens = await createKeyring({ current: NEW }, "external_identity_tokens");
  const both = await createKeyring({ current: NEW, previous: [OLD] }, "external_identity_tokens");
  const bothChannels = await createKeyring({ current: NEW, previous: [OLD] }, "notification_channel_secrets");
  const newChannels = await createKeyring({ current: NEW }, "notification_channel_secrets");

  const a = await genTenant(sql, { slug: "rot-a" });
  const b = await genTenant(sql, { slug: "rot-b" });
  const identities = [
    await genIdentity(sql, a.id, oldTokens, { access: "access-a1", refresh: "refresh-a1" }),
    await genIdentity(sql, a.id, oldTokens, { access: "access-a2" }),
    await genIdentity(sql, a.id, oldTokens, { access: "access-a3", refresh: "refresh-a3" }),
    await genIdentity(sql, b.id, oldTokens, { access: "access-b1" }),
  ];
  const alreadyNew = await genIdentity(sql, b.id, newTokens, { access: "access-b-new" });
  const channels = [
    await genChannel(sql, a.id, oldChannels, { url_secret: "whsec-a" }),
    await genChannel(sql, b.id, oldChannels, { bot_token: "xoxb-b" }),
  ];
  // Written under a key nobody configured any more: reported, left alone, never blocks the rest.
  const lost = await genChannel(
    sql,
    b.id,
    await createKeyring({ current: "x".repeat(40) }, "notification_channel_secrets"),
    {
      lost: true,
    },
  );
  const [{ before }] = await sql`SELECT updated_at AS before FROM external_identities WHERE id = ${alreadyNew}`;

  // Before rotation, the new secret with the old one as previous reads old rows.
  assertEquals(await openIdentity(both, sql, identities[0]), {
    keyId: oldTokens.currentKeyId,
    access: "access-a1",
    refresh: "refresh-a1",
  });
  assertEquals((await openChannel(bothChannels, sql, channels[1])).secret, { bot_token: "xoxb-b" });

  const lines: string[] = [];
  const result = await rotateSecrets(sql, { current: NEW, previous: [OLD], batchSize: 2, say: (l) => lines.push(l) });
  assertEquals(result.rotated, 6);
  assertEquals(result.failed, 1);
  assertEquals(
    result.tenants.map((t) => [t.slug, t.identities, t.channels, t.failed.length]),
    [["rot-a", 3, 1, 0], ["rot-b", 1, 1, 1]],
  );
  assertStringIncludes(lines.join("\n"), "tenant rot-a: external_identities 2 re-encrypted");
  assertStringIncludes(lines.join("\n"), "tenant rot-a: external_identities 3 re-encrypted");
  assertStringIncludes(lines.join("\n"), `cannot re-encrypt notification_channels ${lost}`);
  assertStringIncludes(lines.at(-1)!, "done: 6 row(s) re-encrypted, 1 could not be decrypted");

  // Afterwards the new secret alone reads everything that was readable.
  assertEquals(await openIdentity(newTokens, sql, identities[0]), {
    keyId: newTokens.currentKeyId,
    access: "access-a1",
    refresh: "refresh-a1",
  });
  assertEquals((await openIdentity(newTokens, sql, identities[1])).refresh, null);
  assertEquals((await openIdentity(newTokens, sql, identities[3])).access, "access-b1");
  assertEquals((await openChannel(newChannels, sql, channels[0])).secret, { url_secret: "whsec-a" });
  assertEquals((await openChannel(newChannels, sql, channels[1])).secret, { bot_token: "xoxb-b" });
  const [{ after }] = await sql`SELECT updated_at AS after FROM external_identities WHERE id = ${alreadyNew}`;
  assertEquals(after, before, "a row already on the current key is not rewritten");
  const [lostRow] = await sql`SELECT key_id FROM notification_channels WHERE id = ${lost}`;
  assert(lostRow.key_id !== newChannels.currentKeyId);

  const audits = await sql`SELECT tenant_id, action, actor_label, details FROM audits WHERE action = 'secrets.rotate'
    ORDER BY created_at, seq`;
  assertEquals(audits.map((r) => [r.tenant_id, r.actor_label]), [[a.id, "secrets:rotate"], [b.id, "secrets:rotate"]]);
  assertEquals(audits[0].details, {
    rotated: { external_identities: 3, notification_channels: 1, github_webhooks: 0, data_sources: 0 },
    failed: 0,
    new_key_ids: { external_identities: newTokens.currentKeyId, notification_channels: newChannels.currentKeyId },
  });
  assertEquals(audits[1].details.failed, 1);

  const again = await rotateSecrets(sql, { current: NEW, previous: [OLD] });
  assertEquals([again.rotated, again.failed], [0, 1]);
  const [{ count }] = await sql`SELECT count(*)::int AS count FROM audits WHERE action = 'secrets.rotate'`;
  assertEquals(count, 2, "nothing rotated, nothing audited");
  await sql.end();
});

Deno.test("deno task secrets:rotate prints progress and exits 0; it refuses to run without the secret", async () => {
  const db = await createTestDatabase();
  const tenant = await genTenant(db.sql, { slug: "cli" });
  const id = await genIdentity(db.sql, tenant.id, await createKeyring({ current: OLD }, "external_identity_tokens"), {
    access: "access-cli",
  });
  const run = async (env: Record<string, string>) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "scripts/secrets_rotate.ts"],
      env: { DATABASE_URL: db.url, ...env },
      clearEnv: true,
      stdin: "null",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    return { code: out.code, text };
  };

  const ok = await run({ OPSDECK_SECRET: NEW, OPSDECK_SECRET_PREVIOUS: OLD });
  assertEquals(ok.code, 0, ok.text);
  assertStringIncludes(ok.text, "secrets:rotate: tenant cli: external_identities 1 re-encrypted");
  assertStringIncludes(ok.text, "secrets:rotate: done: 1 row(s) re-encrypted, 0 could not be decrypted");
  const keys = await createKeyring({ current: NEW }, "external_identity_tokens");
  assertEquals((await openIdentity(keys, db.sql, id)).access, "access-cli");

  const dataDir = await Deno.makeTempDir();
  const refused = await run({ OPSDECK_DATA_DIR: dataDir });
  assertEquals(refused.code, 1);
  assertStringIncludes(refused.text, "secrets:rotate: error: OPSDECK_SECRET: is not set");
  await Deno.remove(dataDir, { recursive: true });
  await db.sql.end();
});

Deno.test("secrets:rotate re-encrypts a tenant's GitHub webhook secret too", async () => {
  const { sql } = await createTestDatabase();
  const tenant = await genTenant(sql);
  const oldKeys = await createKeyring({ current: OLD }, "notification_channel_secrets");
  const sealed = await oldKeys.encrypt("odw_the-webhook-secret", webhookSecretAad(tenant.id));
  await withTenant(sql, tenant.id, (tx) => storeWebhookSecret(tx, tenant.id, sealed, new Date()));

  const result = await rotateSecrets(sql, { current: NEW, previous: [OLD] });
  assertEquals(result.tenants[0].webhooks, 1);

  const newKeys = await createKeyring({ current: NEW }, "notification_channel_secrets");
  const [row] = await sql<{ tenant_id: string; secret_ciphertext: Uint8Array; secret_key_id: string }[]>`
    SELECT tenant_id, secret_ciphertext, secret_key_id FROM github_webhooks WHERE tenant_id = ${tenant.id}`;
  assertEquals(row.secret_key_id, newKeys.currentKeyId);
  assertEquals(
    await newKeys.decrypt(
      { ciphertext: new Uint8Array(row.secret_ciphertext), keyId: row.secret_key_id },
      webhookSecretAad(tenant.id),
    ),
    "odw_the-webhook-secret",
  );
  await sql.end();
});
