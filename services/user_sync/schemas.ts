/** The Clerk signing secret's shape: one schema for the API and the user sync page. */
import { z } from "@hono/zod-openapi";

export const ClerkSecretSchema = z.strictObject({
  signing_secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,200}$/, "must be Clerk's signing secret (whsec_…)")
    .nullable().openapi({ example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", description: "null removes it" }),
}).openapi("ClerkSecret");

/** A `user_data` key and value (seed 002): the API's path and body, and the page's form. */
export const UserDataKey = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, "must be 1–100 letters, digits or _ . : -");
export const UserDataValue = z.string().max(10000, "must be at most 10000 characters");
export const UserDataEntrySchema = z.strictObject({ key: UserDataKey, value: UserDataValue });
