/** Request and response shapes for users and invitations: one schema for the API and the pages. */
import { z } from "@hono/zod-openapi";
import { PageQuerySchema } from "../platform/pagination.ts";
import { PASSWORD_INPUT_MAX } from "../auth/passwords.ts";
import type { UserRow } from "../../db/queries/users.ts";

export const USER_STATUSES = ["invited", "active", "suspended", "inactive"] as const;
/** What PATCH may set; `invited` only ever comes from an invitation. */
export const SETTABLE_STATUSES = ["active", "suspended", "inactive"] as const;

const RoleRef = z.string().trim().min(1).max(64).openapi({
  description: "A built-in role (`admin`, `employee`, `client`), or a custom role's id or name",
  example: "employee",
});
const Name = z.string().trim().min(1).max(200).openapi({ example: "Grace Hopper" });

export const InviteUserSchema = z.strictObject({
  email: z.email().max(320).openapi({ example: "grace@example.com" }),
  name: Name.optional(),
  role: RoleRef,
  client_id: z.uuid().optional().openapi({
    description: "The client a client user belongs to: required for the `client` role, refused for admin and employee",
  }),
}).openapi("UserInvite");
export type InviteUserInput = z.infer<typeof InviteUserSchema>;

export const UpdateUserSchema = z.strictObject({
  name: Name.optional(),
  role: RoleRef.optional(),
  client_id: z.uuid().nullable().optional(),
  status: z.enum(SETTABLE_STATUSES).optional().openapi({
    description: "`suspended` and `inactive` end the user's sessions and stop their API keys at once",
  }),
}).openapi("UserUpdate");
export type UpdateUserInput = z.infer<typeof UpdateUserSchema>;

export const ListUsersQuerySchema = PageQuerySchema.extend({
  status: z.enum(USER_STATUSES).optional(),
  role: RoleRef.optional(),
  client_id: z.uuid().optional(),
});
export type ListUsersQuery = z.infer<typeof ListUsersQuerySchema>;

export const UserSchema = z.object({
  id: z.uuid(),
  email: z.string().openapi({ example: "grace@example.com" }),
  name: z.string().nullable().openapi({ example: "Grace Hopper" }),
  status: z.enum(USER_STATUSES).openapi({ example: "active" }),
  role: z.string().openapi({ example: "employee" }),
  role_id: z.uuid(),
  client_id: z.uuid().nullable(),
  super_admin: z.boolean(),
  timezone: z.string().nullable().openapi({ example: "UTC", description: "null: the browser's zone" }),
  last_login_at: z.string().nullable().openapi({ format: "date-time" }),
  created_at: z.string().openapi({ format: "date-time" }),
}).openapi("User");

export function userJson(u: UserRow): z.infer<typeof UserSchema> {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    status: u.status,
    role: u.role_name,
    role_id: u.role_id,
    client_id: u.client_id,
    super_admin: u.super_admin,
    timezone: u.timezone,
    last_login_at: u.last_login_at?.toISOString() ?? null,
    created_at: u.created_at.toISOString(),
  };
}

export const InvitationSchema = z.object({
  id: z.uuid().openapi({ description: "The invited user's id" }),
  status: z.literal("invited"),
  invite_url: z.string().openapi({
    example: "https://opsdeck.example.com/invitations/accept?token=3q2-7wE…",
    description: "Works once, for 7 days. Only its hash is stored: this is the only time it is shown",
  }),
  expires_at: z.string().openapi({ format: "date-time" }),
  email_sent: z.boolean().openapi({ description: "Whether the link was e-mailed (SMTP_URL set and sending worked)" }),
}).openapi("Invitation");

export const AcceptInvitationSchema = z.strictObject({
  token: z.string().min(1).max(200).openapi({ description: "The `token` parameter of the invite URL" }),
  password: z.string().min(1).max(PASSWORD_INPUT_MAX).openapi({ example: "violet-anchor-drifts-42-quietly" }),
  name: Name.optional(),
}).openapi("InvitationAccept");
export type AcceptInvitationInput = z.infer<typeof AcceptInvitationSchema>;

export const AcceptedSchema = z.object({
  id: z.uuid(),
  email: z.string().openapi({ example: "grace@example.com" }),
}).openapi("InvitationAccepted");
