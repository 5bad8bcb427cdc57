/**
 * Read-only facts about this installation's schema. Administrators only
 * (`settings:manage`): names, checksums and times tell an attacker which
 * release runs here.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { PageQuerySchema, pageSchema } from "../../../services/platform/pagination.ts";
import { listMigrations } from "../../../services/system/status.ts";
import type { AppEnv } from "../../deps.ts";
import { can } from "../../../services/auth/permissions.ts";
import { ForbiddenError } from "../../../services/platform/errors.ts";
import { requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { problem, SIGNED_IN } from "../openapi_shared.ts";

const MigrationSchema = z.object({
  version: z.number().int().openapi({ example: 1 }),
  name: z.string().openapi({ example: "00001_tenants_and_identity.sql" }),
  checksum: z.string().openapi({ description: "SHA-256 of the file as applied" }),
  applied_at: z.string().openapi({ format: "date-time" }),
}).openapi("Migration");

const listMigrationsRoute = createRoute({
  method: "get",
  path: "/api/v1/system/migrations",
  operationId: "listMigrations",
  security: SIGNED_IN,
  tags: ["System"],
  summary: "List applied schema migrations, oldest first",
  request: { query: PageQuerySchema },
  responses: {
    200: {
      description: "A page of migrations",
      content: { "application/json": { schema: pageSchema(MigrationSchema, "MigrationPage") } },
    },
    403: problem("Only administrators (settings:manage) may list migrations"),
  },
});

export function systemApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use(listMigrationsRoute.path, signedIn);
  app.openapi(listMigrationsRoute, async (c) => {
    if (!can(requirePrincipal(c), "settings", "manage")) {
      throw new ForbiddenError("Only administrators can list the schema migrations");
    }
    const { limit, cursor } = c.req.valid("query");
    const page = await listMigrations(c.get("deps").sql, limit, cursor);
    return c.json({
      data: page.data.map((m) => ({ ...m, applied_at: m.applied_at.toISOString() })),
      next_cursor: page.next_cursor,
    }, 200);
  });
  return app;
}
