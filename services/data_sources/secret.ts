/**
 * A source's secret settings (password, URL credentials, headers) as one JSON
 * object sealed with the notification-channel keyring, as GitHub webhook
 * secrets are, and bound to its row by the additional data
 * `data_sources.secret:<id>`; `secrets:rotate` re-encrypts it.
 */
import type { Sql } from "../../db/client.ts";
import { type StaleSourceSecretRow, staleSourceSecrets, storeSourceSecret } from "../../db/queries/data_sources.ts";
import { channelKeyring } from "../notifications/channels.ts";
import type { Keyring, Sealed } from "../platform/secrets/crypto.ts";

export interface SecretDeps {
  secret: string;
  previousSecrets: readonly string[];
}

export function dataSourceSecretAad(id: string): string {
  return `data_sources.secret:${id}`;
}

export async function sealSourceSecret(deps: SecretDeps, id: string, value: Record<string, string>): Promise<Sealed> {
  const keys = await channelKeyring(deps.secret, deps.previousSecrets);
  return await keys.encrypt(JSON.stringify(value), dataSourceSecretAad(id));
}

export async function openSourceSecret(
  deps: SecretDeps,
  id: string,
  row: { secret_ciphertext: Uint8Array | null; key_id: string | null },
): Promise<Record<string, string>> {
  if (!row.secret_ciphertext || !row.key_id) return {};
  const keys = await channelKeyring(deps.secret, deps.previousSecrets);
  const plain = await keys.decrypt(
    { ciphertext: new Uint8Array(row.secret_ciphertext), keyId: row.key_id },
    dataSourceSecretAad(id),
  );
  return JSON.parse(plain);
}

/** For `secrets:rotate`: the same object re-sealed under the keyring's current key. */
export async function resealSourceSecret(
  keys: Keyring,
  id: string,
  row: { secret_ciphertext: Uint8Array; key_id: string },
): Promise<Sealed> {
  const aad = dataSourceSecretAad(id);
  const plain = await keys.decrypt({ ciphertext: new Uint8Array(row.secret_ciphertext), keyId: row.key_id }, aad);
  return await keys.encrypt(plain, aad);
}

/** `secrets:rotate`'s walk over one tenant's data sources: the batch to read and how to store a row re-sealed. */
export function sourceSecretRotation(tx: Sql, tenantId: string, keys: Keyring, batchSize: number) {
  return {
    batch: (afterId: string) => staleSourceSecrets(tx, tenantId, keys.currentKeyId, afterId, batchSize),
    reseal: async (row: StaleSourceSecretRow) =>
      await storeSourceSecret(tx, tenantId, row.id, row.key_id, await resealSourceSecret(keys, row.id, row)),
  };
}
