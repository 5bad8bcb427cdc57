/** The e-mail kind: one message to all recipients over the server's SMTP (SMTP_URL); no secret. */
import type { ChannelKind } from "../kind.ts";
import { EmailConfigSchema, EmailStoredSchema } from "./config.ts";
import { type EmailChannel, sendEmail } from "./send.ts";

export const email: ChannelKind<"email", EmailChannel> = {
  type: "email",
  configSchema: EmailConfigSchema,
  storedSchema: EmailStoredSchema,
  generatesSecret: false,
  split: (c: { to: string[] }) => Promise.resolve({ config: { to: c.to }, secret: null }),
  open: (base, config) => ({ ...base, type: "email", to: (config.to as string[]) ?? [] }),
  send: sendEmail,
  paced: false,
  form: {
    values: (config) => ({ "config.to": ((config.to as string[]) ?? []).join("\n") }),
    config: (form) => ({ to: (form["config.to"] ?? "").split(/[\s,;]+/).filter(Boolean) }),
  },
};
