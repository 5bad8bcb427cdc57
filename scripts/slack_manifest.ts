/**
 * `deno task slack:manifest`: prints the Slack app manifest (JSON) to paste
 * into https://api.slack.com/apps → Create New App → From a manifest.
 * The interactivity URL is OPSDECK_BASE_URL + /slack/interactions.
 */
import { slackManifest } from "../services/slack/manifest.ts";

const baseUrl = Deno.env.get("OPSDECK_BASE_URL");
if (!baseUrl) {
  console.error("OPSDECK_BASE_URL: set it to the public URL of Opsdeck (Slack calls <it>/slack/interactions)");
  Deno.exit(1);
}
console.log(JSON.stringify(slackManifest(baseUrl), null, 2));
