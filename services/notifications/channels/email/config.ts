/** E-mail settings: the recipients; nothing secret (the SMTP server is the server's configuration). */
import { z } from "@hono/zod-openapi";

const EMAIL_RECIPIENTS_MAX = 20;

/** What is stored and shown of an e-mail channel's settings. */
export const EmailStoredSchema = z.object({ to: z.array(z.string()).openapi({ example: ["oncall@example.com"] }) });

export const EmailConfigSchema = z.strictObject({
  to: z.array(z.email("must be an e-mail address").max(254)).min(1, "Add at least one recipient")
    .max(EMAIL_RECIPIENTS_MAX).openapi({ example: ["oncall@example.com"] }),
}).openapi("EmailChannelConfig");
