/**
 * Linear (OAuth app): an organisation is the account. Opsdeck files alert
 * issues into a team (the first team unless `team_id` is set) and, when
 * `close_on_resolve` is on, moves them to the team's first "completed" state
 * once the alert is resolved. Sync re-reads the organisation and its teams,
 * which also proves the token still works.
 */
import type { Account, ProviderCall, ProviderDefinition } from "../provider.ts";
import { ACCOUNT_QUERY, linearClient, rawQuery } from "./client.ts";

interface AccountAnswer {
  viewer: { id: string; name: string; email?: string };
  organization: { id: string; name: string; urlKey: string };
  teams: { nodes: { id: string; key: string; name: string }[] };
}

async function readAccount(call: ProviderCall): Promise<Account> {
  const a = await rawQuery<AccountAnswer>(linearClient(call), ACCOUNT_QUERY);
  const teams = a.teams.nodes.map((t) => ({ id: t.id, key: t.key, name: t.name }));
  const chosen = teams.find((t) => t.id === call.metadata.team_id) ?? teams[0];
  return {
    id: a.organization.id,
    name: a.organization.name,
    metadata: { url_key: a.organization.urlKey, teams, team_id: chosen?.id ?? null, connected_as: a.viewer.name },
  };
}

export const linear: ProviderDefinition = {
  platform: "linear",
  label: "Linear",
  envPrefix: "LINEAR",
  defaults: {
    authorizeUrl: "https://linear.app/oauth/authorize",
    tokenUrl: "https://api.linear.app/oauth/token",
    revokeUrl: "https://api.linear.app/oauth/revoke",
    apiUrl: "https://api.linear.app/graphql",
    scopes: ["read", "write"],
  },
  scopeSeparator: ",",
  // Linear asks again rather than silently reusing an older grant, so an admin sees what is granted.
  authorizeParams: { prompt: "consent" },
  account: readAccount,
  async sync(call) {
    return (await readAccount(call)).metadata;
  },
};
