/**
 * GitHub (an OAuth app, or a GitHub App's user tokens, which expire and
 * refresh): the signed-in account is the connection. Its repositories can be
 * imported as projects (repositories.ts), the deployment webhook set up on
 * them (hooks.ts), and the sync pass re-reads the account and fetches the
 * commit message, author and pull request of newly deployed commits
 * (commits.ts), so pages read them from the database.
 */
import type { Account, ProviderCall, ProviderDefinition } from "../provider.ts";
import { getUser } from "./client.ts";

async function readAccount(call: ProviderCall): Promise<Account> {
  const user = await getUser(call);
  return {
    id: String(user.id),
    name: user.login,
    // The web host deployed repositories live on: github.com, or a GitHub Enterprise Server's.
    metadata: { login: user.login, name: user.name ?? null, html_host: new URL(user.html_url).host },
  };
}

export const github: ProviderDefinition = {
  platform: "github",
  label: "GitHub",
  envPrefix: "GITHUB",
  defaults: {
    authorizeUrl: "https://github.com/login/oauth/authorize",
    tokenUrl: "https://github.com/login/oauth/access_token",
    // GitHub revokes through DELETE /applications/{client_id}/grant, not RFC 7009: disconnecting forgets the token.
    apiUrl: "https://api.github.com",
    // repo: read private repositories and their commits; admin:repo_hook: create and delete the deployment webhook.
    scopes: ["repo", "admin:repo_hook"],
  },
  scopeSeparator: " ",
  account: readAccount,
  async sync(call) {
    return (await readAccount(call)).metadata;
  },
};
