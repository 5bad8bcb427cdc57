import { assert, assertEquals, assertMatch, assertNotEquals, assertRejects, assertThrows } from "@std/assert";
import { ConfigError, loadConfig } from "../../services/platform/config.ts";
import { createKeyring, SecretDecryptError } from "../../services/platform/secrets/crypto.ts";

const OLD = "old-secret-old-secret-old-secret-00000000";
const NEW = "new-secret-new-secret-new-secret-11111111";
const AAD = "external_identities.access_token:0b5f3c52-8a37-4a35-9a0e-6c1f3f3b8d11";

Deno.test("encrypt/decrypt round trip: AES-256-GCM with a fresh 96-bit IV per value and an 8-hex key id", async () => {
  const keys = await createKeyring({ current: NEW }, "external_identity_tokens");
  assertMatch(keys.currentKeyId, /^[0-9a-f]{8}$/);
  const a = await keys.encrypt("ya29.token-value", AAD);
  const b = await keys.encrypt("ya29.token-value", AAD);
  assertEquals(a.keyId, keys.currentKeyId);
  assertEquals(a.ciphertext.length, 1 + 12 + "ya29.token-value".length + 16);
  assertNotEquals(a.ciphertext, b.ciphertext);
  assertNotEquals(a.ciphertext.slice(1, 13), b.ciphertext.slice(1, 13));
  assertEquals(await keys.decrypt(a, AAD), "ya29.token-value");
  assertEquals(await keys.decrypt(b, AAD), "ya29.token-value");
});

Deno.test("a tampered ciphertext, tag or IV is refused", async () => {
  const keys = await createKeyring({ current: NEW }, "external_identity_tokens");
  const sealed = await keys.encrypt("secret", AAD);
  for (const index of [5, 13, sealed.ciphertext.length - 1]) {
    const tampered = sealed.ciphertext.slice();
    tampered[index] ^= 0x01;
    await assertRejects(() => keys.decrypt({ ...sealed, ciphertext: tampered }, AAD), SecretDecryptError);
  }
  await assertRejects(
    () => keys.decrypt({ ...sealed, ciphertext: sealed.ciphertext.slice(0, 20) }, AAD),
    SecretDecryptError,
  );
});

Deno.test("a ciphertext moved to another row or column does not decrypt", async () => {
  const keys = await createKeyring({ current: NEW }, "external_identity_tokens");
  const sealed = await keys.encrypt("secret", AAD);
  await assertRejects(() => keys.decrypt(sealed, AAD.replace("access_token", "refresh_token")), SecretDecryptError);
  await assertRejects(() => keys.decrypt(sealed, AAD.replace("0b5f", "ffff")), SecretDecryptError);
});

Deno.test("each purpose has its own key: a provider-token key cannot open a channel secret", async () => {
  const tokens = await createKeyring({ current: NEW }, "external_identity_tokens");
  const channels = await createKeyring({ current: NEW }, "notification_channel_secrets");
  assertNotEquals(tokens.currentKeyId, channels.currentKeyId);
  const sealed = await channels.encrypt("hook secret", "x");
  await assertRejects(() => tokens.decrypt({ ...sealed, keyId: tokens.currentKeyId }, "x"), SecretDecryptError);
});

Deno.test("after a secret change the previous key still decrypts, new values use the new key, unknown keys are named", async () => {
  const before = await createKeyring({ current: OLD }, "notification_channel_secrets");
  const sealed = await before.encrypt('{"bot_token":"xoxb-1"}', "c");
  const after = await createKeyring({ current: NEW, previous: [OLD] }, "notification_channel_secrets");
  assertEquals(after.keyIds, [after.currentKeyId, before.currentKeyId]);
  assertEquals(await after.decrypt(sealed, "c"), '{"bot_token":"xoxb-1"}');
  assertEquals((await after.encrypt("x", "c")).keyId, after.currentKeyId);
  const forgotten = await createKeyring({ current: NEW }, "notification_channel_secrets");
  const error = await assertRejects(() => forgotten.decrypt(sealed, "c"), SecretDecryptError);
  assert(error.message.includes(before.currentKeyId) && error.message.includes("OPSDECK_SECRET_PREVIOUS"));
});

Deno.test("OPSDECK_SECRET_PREVIOUS takes several secrets and refuses short ones", () => {
  assertEquals(loadConfig({ OPSDECK_SECRET_PREVIOUS: `${OLD}, ${NEW}\n` }).previousSecrets, [OLD, NEW]);
  assertEquals(loadConfig({}).previousSecrets, []);
  const error = assertThrows(() => loadConfig({ OPSDECK_SECRET_PREVIOUS: "short" }), ConfigError);
  assertEquals((error as ConfigError).variable, "OPSDECK_SECRET_PREVIOUS");
  assert(!(error as ConfigError).message.includes("short"), "the value is a secret and is not echoed");
});
