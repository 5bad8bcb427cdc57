/** The Clerk signing secret's shape: one schema for the API and the user sync page. */
import { z } from "@hono/zod-openapi";

export const ClerkSecretSchema = z.strictObject({
  signing_secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,200}$/, "must be Clerk's signing secret (whsec_…)")
    .nullable().openapi({ example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", description: "null removes it" }),
}).openapi("ClerkSecret");
