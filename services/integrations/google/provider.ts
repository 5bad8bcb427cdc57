/**
 * Google (OAuth 2 for a web server app): the account is a Google user, named
 * by Drive's about.get. `access_type=offline` asks for a refresh token (Google
 * sends one only with consent, hence `prompt=consent` on every connect);
 * access tokens last an hour and are refreshed ahead of expiry like any
 * provider's. Scope `drive.readonly`: Opsdeck only reads file facts. The sync
 * re-reads the account, which also proves the token; the worker then
 * refreshes the Drive documents (documents.ts).
 */
import type { Account, ProviderCall, ProviderDefinition } from "../provider.ts";
import { aboutUser } from "./client.ts";

async function readAccount(call: ProviderCall): Promise<Account> {
  const user = await aboutUser(call);
  const id = user.permissionId ?? user.emailAddress;
  if (!id) throw new Error("Google answered about.get without a user");
  return {
    id,
    name: user.emailAddress ?? user.displayName ?? id,
    metadata: { connected_as: user.displayName ?? null, email: user.emailAddress ?? null },
  };
}

export const google: ProviderDefinition = {
  platform: "google",
  label: "Google Drive",
  envPrefix: "GOOGLE",
  defaults: {
    authorizeUrl: "https://accounts.google.com/o/oauth2/v2/auth",
    tokenUrl: "https://oauth2.googleapis.com/token",
    revokeUrl: "https://oauth2.googleapis.com/revoke",
    apiUrl: "https://www.googleapis.com/",
    scopes: ["https://www.googleapis.com/auth/drive.readonly"],
  },
  scopeSeparator: " ",
  // consent again on every connect, or Google answers a second grant without a refresh token
  authorizeParams: { access_type: "offline", include_granted_scopes: "true", prompt: "consent" },
  account: readAccount,
  async sync(call) {
    return (await readAccount(call)).metadata;
  },
};
