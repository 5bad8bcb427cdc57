/** CSV import of clients and projects over the API: a dry run by default, then all-or-nothing. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { AppError } from "../../../services/platform/errors.ts";
import { importCatalog } from "../../../services/catalog_import/import.ts";
import {
  CATALOG_CSV_EXAMPLE,
  importJson,
  ImportQuerySchema,
  ImportResultSchema,
} from "../../../services/catalog_import/schemas.ts";
import type { AppEnv } from "../../deps.ts";
import { auditContext, requirePrincipal, signedIn } from "../../middleware/auth.ts";
import { notFoundResponse, problem, SIGNED_IN } from "../openapi_shared.ts";

const importRoute = createRoute({
  method: "post",
  path: "/api/v1/imports/catalog",
  operationId: "importCatalog",
  security: SIGNED_IN,
  tags: ["Clients", "Projects"],
  summary: "Import clients and projects from CSV",
  description: "Needs `clients:write` and `projects:write`. The body is CSV (`text/csv`) whose first line names " +
    "the columns `client,project,slug,description,environments,repository_url,tags` (any order; only `client` " +
    "is required). Environments are `name=url;name=url`, tags `a;b`. A row with only `client` creates just the " +
    "client; clients are matched by name, ignoring case, and reused. `dry_run=true` (the default) checks the " +
    "file and lists what would be created and every bad row with its line; `dry_run=false` imports everything " +
    "in one transaction, or nothing (422 naming `lines.N.field`) when any row is bad. One audit row, " +
    "`catalog.import`, records what was created.",
  request: {
    query: ImportQuerySchema,
    body: {
      required: true,
      content: { "text/csv": { schema: z.string().openapi({ example: CATALOG_CSV_EXAMPLE }) } },
    },
  },
  responses: {
    200: {
      description: "Dry run: the plan, with `errors` listing every bad row (nothing stored)",
      content: { "application/json": { schema: ImportResultSchema } },
    },
    201: {
      description: "Imported: everything in the plan was created",
      content: { "application/json": { schema: ImportResultSchema } },
    },
    403: problem("You may read clients or projects but not create them"),
    ...notFoundResponse,
    409: problem("A slug or client name was taken while the import ran"),
    415: problem("The body is not text/csv"),
  },
});

export function catalogImportApi() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/api/v1/imports/*", signedIn);
  app.openapi(importRoute, async (c) => {
    const principal = requirePrincipal(c);
    const type = c.req.header("Content-Type") ?? "";
    if (!/^text\/(csv|plain)\b/i.test(type)) {
      throw new AppError(415, "Unsupported media type", "Send the file as the body with Content-Type: text/csv");
    }
    const dryRun = c.req.valid("query").dry_run;
    const result = await importCatalog(c.get("deps").sql, principal, await c.req.text(), { dryRun }, auditContext(c));
    // An import adds many rows; its Location is the collection they joined.
    if (dryRun) return c.json(importJson(result, dryRun), 200);
    return c.json(importJson(result, dryRun), 201, { Location: "/api/v1/projects" });
  });
  return app;
}
