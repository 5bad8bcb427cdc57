/**
 * First run: with no tenant yet, the set-up page (or OPSDECK_ADMIN_EMAIL and
 * OPSDECK_ADMIN_PASSWORD) creates the first tenant and its admin, who is also
 * super_admin of the installation.
 */
import { createDefaultAlertRules } from "../alerts/defaults.ts";
import { z } from "@hono/zod-openapi";
import type { Sql } from "../../db/client.ts";
import { countTenants, insertTenant } from "../../db/queries/tenants.ts";
import { builtinRoleId, emailTaken, insertUser, type UserRow } from "../../db/queries/users.ts";
import { withTenant } from "../../db/tenant.ts";
import { type AuditContext, recordAudit } from "../audits/record.ts";
import { ConflictError, ValidationError } from "../platform/errors.ts";
import { hashPassword, PASSWORD_INPUT_MAX, passwordProblem } from "./passwords.ts";

export const SetupSchema = z.object({
  organization: z.string().trim().min(1).max(200).openapi({ example: "Acme Agency" }),
  name: z.string().trim().min(1).max(200).openapi({ example: "Ada Admin" }),
  email: z.email().max(320).openapi({ example: "ada@example.com" }),
  password: z.string().max(PASSWORD_INPUT_MAX),
});
export type SetupInput = z.infer<typeof SetupSchema>;

export async function needsSetup(sql: Sql): Promise<boolean> {
  return await countTenants(sql) === 0;
}

export function slugify(name: string): string {
  const slug = name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
  return slug || "org";
}

/** Creates the first tenant and its admin; refuses once any tenant exists. */
export async function createFirstTenant(sql: Sql, input: SetupInput, ctx: AuditContext): Promise<UserRow> {
  const problem = await passwordProblem(input.password, [input.email, input.name, input.organization]);
  if (problem) throw new ValidationError([{ path: "password", message: `Password ${problem}` }]);
  const passwordHash = await hashPassword(input.password);
  const tenantId = crypto.randomUUID();
  return await withTenant(sql, tenantId, async (tx) => {
    // Serialise concurrent set-ups: only the first one may create a tenant.
    await tx`SELECT pg_advisory_xact_lock(7365747570)`;
    // Install-wide facts, read on the owner connection, past row-level security.
    if (await countTenants(sql) > 0) throw new ConflictError("Opsdeck is already set up");
    if (await emailTaken(sql, input.email)) throw new ConflictError("That e-mail address is already in use");
    const tenant = await insertTenant(tx, {
      id: tenantId,
      name: input.organization,
      slug: slugify(input.organization),
    });
    const user = await insertUser(tx, {
      tenantId,
      email: input.email,
      name: input.name,
      status: "active",
      roleId: await builtinRoleId(tx, "admin"),
      superAdmin: true,
      passwordHash,
    });
    const actorCtx = { ...ctx, actorLabel: user.email };
    await recordAudit(tx, actorCtx, {
      tenantId,
      action: "tenant.create",
      resourceType: "tenant",
      resourceId: tenant.id,
      after: tenant,
    });
    await recordAudit(tx, actorCtx, {
      tenantId,
      action: "user.create",
      resourceType: "user",
      resourceId: user.id,
      after: { ...user, via: "setup" },
    });
    await createDefaultAlertRules(tx, tenantId, actorCtx);
    return user;
  });
}

/** OPSDECK_ADMIN_EMAIL/PASSWORD: set up without a browser (Docker). Does nothing once set up. */
export async function bootstrapAdmin(
  sql: Sql,
  admin: { email: string; password: string },
  ctx: AuditContext,
): Promise<UserRow | null> {
  if (!await needsSetup(sql)) return null;
  return await createFirstTenant(sql, {
    organization: "Default",
    name: admin.email.split("@")[0],
    email: admin.email,
    password: admin.password,
  }, ctx);
}
