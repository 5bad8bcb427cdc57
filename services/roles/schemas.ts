/** Role shapes for the API and the permission-matrix page. */
import { z } from "@hono/zod-openapi";
import { ACTIONS, BUILTIN_ROLES, isPermission, type Permission, RESOURCES } from "../auth/permissions.ts";
import type { RoleRow } from "../../db/queries/roles.ts";
import { PageQuerySchema } from "../platform/pagination.ts";

/** The database's CHECKs, stated once for validation and for the matrix editor. */
export function permissionAllowed(resource: string, action: string): boolean {
  if (action === "manage") return ["users", "roles", "api_keys", "settings", "approvals"].includes(resource);
  if (resource === "audits") return action === "read";
  return true;
}

/** Every (resource, action) pair a role may hold, in matrix order. */
export const GRANTABLE: Permission[] = RESOURCES.flatMap((r) =>
  ACTIONS.filter((a) => permissionAllowed(r, a)).map((a) => `${r}:${a}` as Permission)
);

const PermissionList = z.array(z.string().max(64)).max(GRANTABLE.length * 2).superRefine((list, ctx) => {
  list.forEach((value, i) => {
    const [resource, action] = value.split(":");
    if (!isPermission(value)) {
      ctx.addIssue({ code: "custom", path: [i], message: `"${value}" is not a resource:action permission` });
    } else if (!permissionAllowed(resource, action)) {
      ctx.addIssue({
        code: "custom",
        path: [i],
        message: action === "manage"
          ? "manage exists only for users, roles, api_keys, settings and approvals"
          : "audits can only be read",
      });
    }
  });
}).openapi({
  description: "`resource:action` strings; actions read, write, delete, plus manage for users, roles, api_keys, " +
    "settings, approvals; audits only read",
  example: ["projects:read", "deployments:read", "deployments:write"],
});

const RoleName = z.string().trim().min(1).max(64).refine(
  (name) => !(BUILTIN_ROLES as readonly string[]).includes(name.toLowerCase()),
  "admin, employee and client are the built-in roles' names",
).openapi({ example: "Release manager" });

const Description = z.string().trim().max(500).openapi({ example: "Ships releases; reads everything else" });

export const CreateRoleSchema = z.strictObject({
  name: RoleName,
  description: Description.optional(),
  permissions: PermissionList,
}).openapi("RoleCreate");
export type CreateRoleInput = z.infer<typeof CreateRoleSchema>;

export const UpdateRoleSchema = z.strictObject({
  name: RoleName.optional(),
  description: Description.nullable().optional(),
  permissions: PermissionList.optional(),
}).openapi("RoleUpdate");
export type UpdateRoleInput = z.infer<typeof UpdateRoleSchema>;

export const ListRolesQuerySchema = PageQuerySchema;

export const RoleSchema = z.object({
  id: z.uuid(),
  name: z.string().openapi({ example: "Release manager" }),
  description: z.string().nullable(),
  builtin: z.boolean().openapi({ description: "Built-in roles are shared by every tenant and cannot be changed" }),
  permissions: z.array(z.string()).openapi({ example: ["deployments:read", "deployments:write"] }),
  user_count: z.number().int().openapi({ description: "Users of your organisation holding the role", example: 2 }),
  created_at: z.string().openapi({ format: "date-time" }),
  updated_at: z.string().openapi({ format: "date-time" }),
}).openapi("Role");

export function roleJson(r: RoleRow): z.infer<typeof RoleSchema> {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    builtin: r.tenant_id === null,
    permissions: r.permissions,
    user_count: r.user_count,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}
