/**
 * E-mail from a Message: a subject that says what happened
 * (`[Opsdeck] DOWN: <check> (<project>)`), a text part, and an HTML part in
 * which every value from data is HTML-escaped (names are user input).
 */
import { absolute, describe, digestMessage, type EventInput, type Message, type Tone } from "../describe.ts";

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const COLOR: Record<Tone, string> = { problem: "#c62828", warning: "#ef6c00", recovery: "#2e7d32", info: "#1565c0" };
const SUBJECT_MAX = 200;

export function escapeHtml(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Header values cannot carry line breaks (no header injection from a name). */
function oneLine(value: string): string {
  return value.replace(/[\r\n\t]+/g, " ").trim();
}

export function emailMessage(m: Message, baseUrl: string | undefined): EmailContent {
  const link = absolute(m.path, baseUrl);
  const subject = oneLine(`[Opsdeck] ${m.title}`).slice(0, SUBJECT_MAX);
  const text = [
    m.title,
    "",
    ...(m.text ? [m.text, ""] : []),
    ...m.fields.map(([label, value]) => `${label}: ${value}`),
    ...(link ? ["", `Open in Opsdeck: ${link}`] : []),
    "",
    "-- ",
    "Sent by Opsdeck. Notification rules decide who gets what: /notifications/rules",
  ].join("\n");
  const rows = m.fields.map(([label, value]) =>
    `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(label)}</th>` +
    `<td style="padding:2px 0">${escapeHtml(value)}</td></tr>`
  ).join("");
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.4">` +
    `<h2 style="color:${COLOR[m.tone]};margin:0 0 8px">${escapeHtml(m.title)}</h2>` +
    (m.text ? `<p style="white-space:pre-line">${escapeHtml(m.text)}</p>` : "") +
    (rows ? `<table>${rows}</table>` : "") +
    (link ? `<p><a href="${escapeHtml(link)}">Open in Opsdeck</a></p>` : "") +
    `<p style="color:#777;font-size:12px">Sent by Opsdeck.</p></body></html>`;
  return { subject, text, html };
}

export function emailForEvent(e: EventInput, baseUrl: string | undefined): EmailContent {
  return emailMessage(describe(e), baseUrl);
}

export function emailDigest(items: EventInput[], baseUrl: string | undefined): EmailContent {
  return emailMessage(digestMessage(items), baseUrl);
}
