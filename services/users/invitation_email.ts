/** The invitation e-mail: a plain-text part and an HTML part with the same link. */
import type { MailMessage } from "../platform/mailer.ts";

export interface InvitationEmail {
  to: string;
  organization: string;
  inviter: string | null;
  url: string;
  expiresAt: Date;
}

const escape = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

export function invitationEmail(i: InvitationEmail): MailMessage {
  const who = i.inviter ? `${i.inviter} invited you` : "You have been invited";
  const until = i.expiresAt.toISOString().replace("T", " ").slice(0, 16) + " UTC";
  const text = [
    `${who} to ${i.organization} on Opsdeck.`,
    "",
    "Choose a password to activate your account:",
    i.url,
    "",
    `The link works once and expires on ${until}.`,
    "If you did not expect this invitation, ignore this e-mail.",
  ].join("\n");
  const html = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">
<p>${escape(who)} to <strong>${escape(i.organization)}</strong> on Opsdeck.</p>
<p><a href="${escape(i.url)}">Choose a password to activate your account</a></p>
<p style="color:#666">The link works once and expires on ${escape(until)}.<br>
If you did not expect this invitation, ignore this e-mail.</p>
</body></html>`;
  return { to: i.to, subject: `Your invitation to ${i.organization} on Opsdeck`, text, html };
}
