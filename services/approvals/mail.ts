/** The e-mail asking an approver for a decision: plain text and HTML with the same link. */
import type { ApprovalRow } from "../../db/queries/approvals.ts";
import type { OutgoingMail } from "../mail/outbox.ts";

const escape = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** `baseUrl` is OPSDECK_BASE_URL; without it the link is the path inside Opsdeck. */
export function approvalMail(a: ApprovalRow, to: string, baseUrl: string | undefined): OutgoingMail {
  const link = (baseUrl ? baseUrl.replace(/\/+$/, "") : "") + `/approvals/${a.id}`;
  const until = a.expires_at.toISOString().replace("T", " ").slice(0, 16) + " UTC";
  const text = [
    `${a.requester_name} asks for your approval:`,
    "",
    `  ${a.title}`,
    `  Priority: ${a.priority}`,
    "",
    `Approve or reject it in Opsdeck before ${until}, when it expires:`,
    link,
  ].join("\n");
  const html = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">
<p>${escape(a.requester_name)} asks for your approval:</p>
<p><strong>${escape(a.title)}</strong><br>Priority: ${escape(a.priority)}</p>
<p><a href="${escape(link)}">Approve or reject it in Opsdeck</a> before ${escape(until)}, when it expires.</p>
</body></html>`;
  return {
    purpose: "approval",
    reference: a.id,
    to,
    subject: `Approval needed: ${a.title}`,
    text,
    html,
  };
}
