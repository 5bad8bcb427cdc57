/** E-mail settings: the recipients; nothing secret (the SMTP server is the server's configuration). */
import { z } from "@hono/zod-openapi";

const EMAIL_RECIPIENTS_MAX = 20;

export const EmailConfigSchema = z.strictObject({
  to: z.array(z.email("must be an e-mail address").max(254)).min(1, "Add at least one recipient")
    .max(EMAIL_RECIPIENTS_MAX).openapi({ example: ["oncall@example.com"] }),
}).openapi("EmailChannelConfig");
