/**
 * The Slack app manifest, built with the SDK's Manifest(): a remote app (no
 * Slack-hosted functions) whose bot posts and edits alert messages and whose
 * buttons come back to OPSDECK_BASE_URL + /slack/interactions.
 */
import { Manifest } from "@slack/deno-slack-sdk";
import { BOT_SCOPES } from "./scopes.ts";

export function slackManifest(baseUrl: string): Record<string, unknown> {
  const url = baseUrl.replace(/\/+$/, "") + "/slack/interactions";
  // Manifest()'s typings only describe Slack-hosted apps; the remote-app settings pass through as given.
  const definition = {
    name: "Opsdeck",
    description: "Alerts from Opsdeck, with Acknowledge, Snooze and Resolve buttons",
    longDescription: "Opsdeck posts health-check, deployment and alert notifications to the channels you " +
      "choose, and updates each alert's message when someone acknowledges or resolves it.",
    displayName: "Opsdeck",
    backgroundColor: "#1e293b",
    icon: "assets/icon.png",
    botScopes: BOT_SCOPES,
    runOnSlack: false,
    settings: { interactivity: { is_enabled: true, request_url: url } },
    features: { appHome: { messagesTabEnabled: false, messagesTabReadOnlyEnabled: true } },
  };
  const manifest = Manifest(definition as unknown as Parameters<typeof Manifest>[0]) as Record<string, unknown>;
  // The icon is uploaded in Slack's UI; the manifest must not point at a file Opsdeck does not ship.
  delete manifest.icon;
  return manifest;
}
