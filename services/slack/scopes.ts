/** The bot scopes Opsdeck's Slack app asks for: the manifest declares them and the OAuth install requests them. */
export const BOT_SCOPES = ["chat:write", "users:read", "users:read.email"];
