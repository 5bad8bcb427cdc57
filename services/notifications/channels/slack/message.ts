/**
 * Slack Block Kit from a Message: header, optional text, fields, context with
 * the link, and for open alerts the Acknowledge / Snooze 1 h / Resolve
 * buttons (value = alert id, read back by /slack/interactions).
 *
 * Escaping: every text from data goes through `slackText`, which escapes
 * `&`, `<`, `>` (so `<!channel>`, `<@U123>` and `<url|label>` cannot be
 * formed) and breaks bare `@channel`/`@here`/`@everyone`; mrkdwn objects are
 * `verbatim` so Slack does not auto-link or auto-mention either.
 */
import { absolute, describe, digestMessage, type EventInput, type Message, type Tone } from "../describe.ts";

export const ACTION_ACK = "opsdeck_acknowledge";
export const ACTION_SNOOZE = "opsdeck_snooze_1h";
export const ACTION_RESOLVE = "opsdeck_resolve";
export const ACTION_APPROVE = "opsdeck_approve";
export const ACTION_REJECT = "opsdeck_reject";

const ICON: Record<Tone, string> = { problem: "🔴", warning: "🟠", recovery: "🟢", info: "🔵" };
const HEADER_MAX = 150;
const FIELDS_MAX = 10;
const FIELD_MAX = 1900;

export function slackText(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replace(/@(channel|here|everyone)\b/gi, "@\u200b$1");
}

/** A URL inside `<…|…>`: the characters that would end or split the link are percent-encoded. */
function slackUrl(url: string): string {
  return url.replaceAll("<", "%3C").replaceAll(">", "%3E").replaceAll("|", "%7C").replaceAll(" ", "%20");
}

const mrkdwn = (text: string) => ({ type: "mrkdwn", text, verbatim: true });
const plain = (text: string) => ({ type: "plain_text", text, emoji: true });

export interface SlackMessage {
  /** The notification's fallback text (phones, screen readers). */
  text: string;
  blocks: Record<string, unknown>[];
}

export function slackMessage(m: Message, baseUrl: string | undefined): SlackMessage {
  const title = `${ICON[m.tone]} ${m.title}`;
  const blocks: Record<string, unknown>[] = [
    { type: "header", text: plain(truncate(slackText(title), HEADER_MAX)) },
  ];
  if (m.text) blocks.push({ type: "section", text: mrkdwn(truncate(slackText(m.text), 2900)) });
  if (m.fields.length > 0) {
    blocks.push({
      type: "section",
      fields: m.fields.slice(0, FIELDS_MAX).map(([label, value]) =>
        mrkdwn(truncate(`*${slackText(label)}*\n${slackText(value)}`, FIELD_MAX))
      ),
    });
  }
  const link = absolute(m.path, baseUrl);
  blocks.push({
    type: "context",
    elements: [mrkdwn(link ? `Opsdeck · <${slackUrl(link)}|Open in Opsdeck>` : "Opsdeck")],
  });
  const buttons = m.alert ? alertButtons(m.alert) : [];
  if (buttons.length > 0) blocks.push({ type: "actions", block_id: "opsdeck_alert", elements: buttons });
  if (m.approval?.status === "pending") {
    blocks.push({ type: "actions", block_id: "opsdeck_approval", elements: approvalButtons(m.approval.id) });
  }
  return { text: slackText(title), blocks };
}

function alertButtons(alert: { id: string; status: string }) {
  const button = (action: string, label: string, style?: "primary" | "danger") => ({
    type: "button",
    action_id: action,
    text: plain(label),
    value: alert.id,
    ...(style ? { style } : {}),
  });
  if (alert.status === "resolved") return [];
  const buttons = [];
  if (alert.status !== "acknowledged") buttons.push(button(ACTION_ACK, "Acknowledge", "primary"));
  buttons.push(button(ACTION_SNOOZE, "Snooze 1 h"));
  buttons.push(button(ACTION_RESOLVE, "Resolve", "danger"));
  return buttons;
}

function approvalButtons(id: string) {
  return [
    { type: "button", action_id: ACTION_APPROVE, text: plain("Approve"), value: id, style: "primary" },
    { type: "button", action_id: ACTION_REJECT, text: plain("Reject"), value: id, style: "danger" },
  ];
}

export function slackForEvent(e: EventInput, baseUrl: string | undefined): SlackMessage {
  return slackMessage(describe(e), baseUrl);
}

export function slackDigest(items: EventInput[], baseUrl: string | undefined): SlackMessage {
  return slackMessage(digestMessage(items), baseUrl);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + "…";
}
