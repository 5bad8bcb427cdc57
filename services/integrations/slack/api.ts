/**
 * Slack Web API calls made with a workspace's token (auth.test, auth.revoke),
 * on the `fetch` the integration layer is given. The SDK the channels use
 * (@slack/deno-slack-sdk) always calls the global fetch, so these few calls
 * go direct: a form POST with the token as bearer, read as Slack answers,
 * HTTP 200 with `ok` and `error`.
 */
import { TokenRefused } from "../provider.ts";

/** Slack's answers that mean the token itself is dead: the workspace removed the app, or revoked or expired it. */
export const TOKEN_ERRORS = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
]);

/** A Web API method's URL under the API base (SLACK_API_URL, `https://slack.com/api/`). */
export const methodUrl = (apiUrl: string, method: string) =>
  new URL(method, apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`).toString();

export async function slackApi(
  url: string,
  token: string,
  fetchFn: typeof fetch,
  args: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const method = new URL(url).pathname.split("/").pop();
  const res = await fetchFn(url, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(args),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await res.json().catch(() => ({ ok: false, error: `http_${res.status}` }));
  if (body.ok !== true) {
    const error = typeof body.error === "string" ? body.error : `http_${res.status}`;
    if (TOKEN_ERRORS.has(error)) throw new TokenRefused(`Slack refused the token (${error})`);
    throw new Error(`Slack ${method} answered ${error}`);
  }
  return body;
}
