/**
 * Sending as an installed Slack workspace: its token comes from the
 * integration (refreshed ahead of expiry when Slack rotates tokens), and a
 * token Slack refuses marks the integration broken through the integrations'
 * own path (audit row, `integration.broken`, e-mail to admins). The channel's
 * send fails permanently then, as it does for a refused pasted token; once the
 * workspace is reconnected, its channels are mended (connect.ts).
 */
import { integrationBroken, providerCall } from "../../../integrations/integrations.ts";
import { TokenRefused } from "../../../integrations/provider.ts";
import { TOKEN_ERRORS } from "../../../integrations/slack/api.ts";
import { integrationDeps } from "../../../integrations/worker.ts";
import { NotFoundError } from "../../../platform/errors.ts";
import { failure, type SendDeps, type SendResult } from "../kind.ts";

/** The two ways a Slack channel holds a token (send.ts's SlackChannel, less the webhook). */
type TokenHolder = { mode: "bot"; botToken: string } | { mode: "app"; integrationId: string };

type TokenDeps = Pick<SendDeps, "sql" | "config" | "secret" | "tenantId"> & { now: () => Date };

/** The token a bot or installed-workspace channel posts with; throws TokenRefused or NotFoundError for a dead one. */
export async function channelBotToken(
  channel: TokenHolder,
  deps: TokenDeps,
): Promise<string> {
  if (channel.mode === "bot") return channel.botToken;
  const call = await providerCall(deps.sql, integrationDeps(deps), deps.tenantId, channel.integrationId, deps.now());
  return call.accessToken;
}

export async function sendAsWorkspace(
  channel: Extract<TokenHolder, { mode: "app" }>,
  deps: SendDeps,
  send: (botToken: string) => Promise<SendResult>,
): Promise<SendResult> {
  let token: string;
  try {
    token = await channelBotToken(channel, deps);
  } catch (error) {
    if (error instanceof TokenRefused) {
      return failure(`Slack workspace refused the token (${error.message}): reconnect it on the Integrations page`, {
        permanent: true,
      });
    }
    if (error instanceof NotFoundError) {
      return failure("The Slack workspace was disconnected: pick another one for this channel", { permanent: true });
    }
    return failure(`Slack: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = await send(token);
  const code = result.error?.match(/^Slack: (\w+)$/)?.[1];
  if (code && TOKEN_ERRORS.has(code)) {
    await integrationBroken(
      deps.sql,
      deps.config,
      deps.tenantId,
      channel.integrationId,
      `Slack refused the token (${code})`,
      deps.now(),
    );
  }
  return result;
}
