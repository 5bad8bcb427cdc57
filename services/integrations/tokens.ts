/**
 * An integration's tokens at rest: sealed with the provider-token keyring
 * (purpose external_identity_tokens, as linked accounts' tokens are) and
 * bound to their row and column by the additional data; `secrets:rotate`
 * re-encrypts them with `integrationTokenAad`.
 */
import type { IntegrationRow } from "../../db/queries/integrations.ts";
import { createKeyring, type Keyring } from "../platform/secrets/crypto.ts";

export interface SecretDeps {
  secret: string;
  previousSecrets: readonly string[];
}

type Column = "access_token" | "refresh_token";
/** Binds a ciphertext to its row and column; `secrets:rotate` re-seals with it too. */
export const integrationTokenAad = (id: string, column: Column) => `integrations.${column}:${id}`;
const aad = integrationTokenAad;

export function tokenKeyring(deps: SecretDeps): Promise<Keyring> {
  return createKeyring({ current: deps.secret, previous: deps.previousSecrets }, "external_identity_tokens");
}

export async function sealTokens(deps: SecretDeps, id: string, t: { access: string; refresh: string | null }) {
  const keys = await tokenKeyring(deps);
  const access = await keys.encrypt(t.access, aad(id, "access_token"));
  const refresh = t.refresh ? (await keys.encrypt(t.refresh, aad(id, "refresh_token"))).ciphertext : null;
  return { access: access.ciphertext, refresh, keyId: access.keyId };
}

export async function openTokens(
  deps: SecretDeps,
  row: Pick<IntegrationRow, "id" | "access_token_ciphertext" | "refresh_token_ciphertext" | "key_id">,
): Promise<{ access: string; refresh: string | null }> {
  if (!row.access_token_ciphertext || !row.key_id) throw new Error("the integration holds no token");
  const keys = await tokenKeyring(deps);
  const open = (c: Uint8Array, column: Column) =>
    keys.decrypt({ ciphertext: new Uint8Array(c), keyId: row.key_id! }, aad(row.id, column));
  return {
    access: await open(row.access_token_ciphertext, "access_token"),
    refresh: row.refresh_token_ciphertext ? await open(row.refresh_token_ciphertext, "refresh_token") : null,
  };
}
