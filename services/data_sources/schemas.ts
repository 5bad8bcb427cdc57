/** Data source and saved query shapes, shared by the JSON API and the pages. */
import { z } from "@hono/zod-openapi";
import { CSV_TYPES } from "./kinds/csv/parse.ts";
import { ParameterSchema, ParameterValuesSchema } from "./parameters.ts";

/** The kinds a source can be created as; `opsdeck` is built in, one per tenant, and only ever listed. */
export const SOURCE_KINDS = ["postgresql", "mysql", "rest_api", "csv"] as const;
export const ALL_SOURCE_KINDS = [...SOURCE_KINDS, "opsdeck"] as const;
export const SOURCE_STATUSES = ["connected", "error", "disconnected", "pending"] as const;

const name = z.string().trim().min(1, "Give it a name").max(200);

export const CreateDataSourceSchema = z.strictObject({
  name: name.openapi({ example: "Shop replica" }),
  kind: z.enum(SOURCE_KINDS),
  config: z.record(z.string(), z.unknown()).openapi({
    description: "The kind's settings (PostgresSourceConfig for postgresql). Secret fields (password, url) are " +
      "stored encrypted and never returned.",
    example: { host: "db.internal.example", port: 5432, database: "shop", user: "reporting", password: "…" },
  }),
}).openapi("DataSourceCreate");
export type CreateDataSourceInput = z.infer<typeof CreateDataSourceSchema>;

export const UpdateDataSourceSchema = z.strictObject({
  name: name.optional(),
  config: z.record(z.string(), z.unknown()).optional().openapi({
    description: "Replaces the settings; a secret field left out keeps the stored secret",
  }),
}).openapi("DataSourceUpdate");
export type UpdateDataSourceInput = z.infer<typeof UpdateDataSourceSchema>;

export const DataSourceSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(ALL_SOURCE_KINDS),
  config: z.record(z.string(), z.unknown()),
  has_secret: z.boolean(),
  status: z.enum(SOURCE_STATUSES),
  last_error: z.string().nullable(),
  last_tested_at: z.string().nullable(),
  last_sync: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi("DataSource");

export const TestSettingsSchema = z.strictObject({
  kind: z.enum(SOURCE_KINDS),
  config: z.record(z.string(), z.unknown()).openapi({ description: "The settings as for creating a source" }),
  source_id: z.uuid().optional().openapi({
    description: "An existing source whose stored secret is used when `config` leaves it out (an edit form)",
  }),
}).openapi("DataSourceSettingsTest");

export const TestResultSchema = z.object({
  ok: z.boolean(),
  status: z.enum(SOURCE_STATUSES),
  message: z.string().openapi({ example: "PostgreSQL 16.4 on x86_64-pc-linux-gnu" }),
}).openapi("DataSourceTestResult");

export const SchemaColumnSchema = z.object({
  schema_name: z.string(),
  table_name: z.string(),
  column_name: z.string(),
  ordinal: z.int(),
  data_type: z.string(),
  is_nullable: z.boolean(),
  column_default: z.string().nullable(),
}).openapi("DataSourceColumn");

const queryText = z.string().min(1, "Write the query").max(100_000).openapi({
  example: "SELECT country, count(*) AS customers FROM customers WHERE created_at >= {{from}} GROUP BY 1",
});
const parameters = z.array(ParameterSchema).max(20).default([]);

export const CollectSchema = z.strictObject({
  project_id: z.uuid(),
  metric_type: z.string().regex(/^[a-z][a-z0-9_.]{0,99}$/, "must be a metric type such as shop.orders")
    .openapi({ example: "shop.paid_orders" }),
  interval_seconds: z.int().min(60).max(86400).default(300),
  parameters: ParameterValuesSchema.default({}),
}).openapi("SavedQueryCollect", {
  description: "Run on a schedule and write the first row's first column as a metric point of the project",
});

export type CollectInput = z.infer<typeof CollectSchema>;

export const CreateSavedQuerySchema = z.strictObject({
  data_source_id: z.uuid(),
  name: name.openapi({ example: "Signups by country" }),
  description: z.string().trim().max(2000).optional(),
  query_text: queryText,
  parameters,
  is_public: z.boolean().default(false).openapi({ description: "Share with everyone in the organisation" }),
  cache_ttl_seconds: z.int().min(0).max(86400).optional().openapi({
    description: "Answer runs with the same values from the cache for this long (default 60; 0: always run)",
    example: 60,
  }),
  collect: CollectSchema.nullable().optional(),
}).openapi("SavedQueryCreate");
export type CreateSavedQueryInput = z.infer<typeof CreateSavedQuerySchema>;

// Without the create's defaults: zod 4 still applies a default under .partial(), which turned a PATCH without
// `parameters` into "no parameters" (and without `is_public` into private).
export const UpdateSavedQuerySchema = CreateSavedQuerySchema.omit({ data_source_id: true }).partial().extend({
  parameters: z.array(ParameterSchema).max(20).optional(),
  is_public: z.boolean().optional(),
}).openapi("SavedQueryUpdate");
export type UpdateSavedQueryInput = z.infer<typeof UpdateSavedQuerySchema>;

export const SavedQuerySchema = z.object({
  id: z.uuid(),
  data_source_id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  query_text: z.string(),
  parameters: z.array(ParameterSchema),
  is_public: z.boolean(),
  cache_ttl_seconds: z.int(),
  collect: z.object({
    project_id: z.uuid(),
    metric_type: z.string(),
    interval_seconds: z.int(),
    parameters: z.record(z.string(), z.unknown()),
    next_at: z.string().nullable(),
    last_error: z.string().nullable(),
  }).nullable(),
  created_by: z.uuid().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi("SavedQuery");

export const RunSavedQuerySchema = z.strictObject({
  parameters: ParameterValuesSchema.default({}),
  limit: z.int().min(1).max(100_000).optional().openapi({
    description: "Rows at most (the source's row limit caps it); 100 for a preview",
  }),
  fresh: z.boolean().optional().openapi({ description: "Run the query even if a cached result is still fresh" }),
}).openapi("SavedQueryRun");

export const AdHocQuerySchema = z.strictObject({
  query_text: queryText,
  parameters: parameters,
  values: ParameterValuesSchema.default({}),
  limit: z.int().min(1).max(100_000).optional(),
}).openapi("AdHocQuery");
export type AdHocQueryInput = z.infer<typeof AdHocQuerySchema>;

export const QueryResultSchema = z.object({
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  rows: z.array(z.array(z.unknown())),
  row_count: z.int(),
  truncated: z.boolean().openapi({ description: "The row or size cap stopped the read" }),
  execution_time_ms: z.int(),
  cached_at: z.string().optional().openapi({
    description: "Present when the result came from the cache: when the query ran",
    format: "date-time",
  }),
}).openapi("QueryResult");

export const RunFormatSchema = z.object({
  format: z.enum(["json", "csv"]).default("json").openapi({ param: { name: "format", in: "query" } }),
});

export const CsvRetypeSchema = z.strictObject({
  types: z.record(z.string(), z.enum(CSV_TYPES)).openapi({ example: { amount: "number", paid: "boolean" } }),
}).openapi("CsvRetype");
