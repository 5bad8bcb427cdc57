/**
 * Slack (an app installed by OAuth v2): a workspace is the account, so a
 * tenant installs the app into as many workspaces as it has, one integration
 * each; installing into the same workspace again replaces its token. The
 * workspace comes from oauth.v2.access's answer (`team`, or `enterprise` for
 * an organisation-wide install), with the bot's user and the app id. Token
 * rotation is optional in Slack: with it the answer carries `refresh_token`
 * and `expires_in` and the common layer refreshes as for any provider.
 * Sync is auth.test, which proves the token still works; disconnect is
 * auth.revoke with the token itself.
 */
import { mendWorkspaceChannels } from "../../../db/queries/notification_channels.ts";
import { BOT_SCOPES } from "../../slack/scopes.ts";
import type { Account, ProviderDefinition } from "../provider.ts";
import { methodUrl, slackApi } from "./api.ts";

type Named = { id?: string; name?: string } | null | undefined;

function installedInto(grant: Record<string, unknown>): Account {
  const team = grant.team as Named;
  const enterprise = grant.enterprise as Named;
  const where = team?.id ? team : enterprise;
  if (!where?.id) throw new Error("Slack's oauth.v2.access answer named no workspace");
  return {
    id: where.id,
    name: where.name ?? where.id,
    metadata: {
      team: team?.id ? { id: team.id, name: team.name ?? null } : null,
      enterprise: enterprise?.id ? { id: enterprise.id, name: enterprise.name ?? null } : null,
      is_enterprise_install: grant.is_enterprise_install === true,
      bot_user_id: grant.bot_user_id ?? null,
      app_id: grant.app_id ?? null,
      installed_by: (grant.authed_user as Named)?.id ?? null,
    },
  };
}

export const slack: ProviderDefinition = {
  platform: "slack",
  label: "Slack",
  envPrefix: "SLACK",
  defaults: {
    authorizeUrl: "https://slack.com/oauth/v2/authorize",
    tokenUrl: "https://slack.com/api/oauth.v2.access",
    revokeUrl: "https://slack.com/api/auth.revoke",
    apiUrl: "https://slack.com/api/",
    scopes: BOT_SCOPES,
  },
  scopeSeparator: ",",
  account: (_call, grant) => Promise.resolve(installedInto(grant)),
  async connected(tx, tenantId, id) {
    await mendWorkspaceChannels(tx, tenantId, id);
  },
  async sync(call) {
    const me = await slackApi(methodUrl(call.settings.apiUrl, "auth.test"), call.accessToken, fetch);
    return { url: me.url ?? null, bot_user_id: me.user_id ?? call.metadata.bot_user_id ?? null };
  },
  async revoke(settings, tokens, fetchFn) {
    // auth.revoke takes the token it revokes as its own bearer; with rotation the access token ends the grant.
    try {
      const url = settings.revokeUrl ?? methodUrl(settings.apiUrl, "auth.revoke");
      return (await slackApi(url, tokens.access, fetchFn)).revoked === true;
    } catch {
      return false;
    }
  },
};
