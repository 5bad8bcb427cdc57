/**
 * Where each encrypted column lives, as the GCM additional data binds it.
 * Writers and `secrets:rotate` must use the same names, so they are here once.
 */

export type IdentityTokenColumn = "access_token" | "refresh_token";

/** `external_identities.access_token_ciphertext` / `refresh_token_ciphertext` of one row. */
export function identityTokenAad(identityId: string, column: IdentityTokenColumn): string {
  return `external_identities.${column}:${identityId}`;
}

/** `notification_channels.secret_ciphertext` (the channel's secret config as one JSON object). */
export function channelSecretAad(channelId: string): string {
  return `notification_channels.secret:${channelId}`;
}
