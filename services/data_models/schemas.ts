/** Data model shapes, shared by the JSON API and the pages; the types are inferred from them. */
import { z } from "@hono/zod-openapi";
import { ParameterSchema, ParameterValuesSchema } from "../data_sources/parameters.ts";

const Ident = z.string().regex(
  /^[A-Za-z_][A-Za-z0-9_]{0,62}$/,
  "must be letters, digits and _, not starting with a digit",
);
/** `alias.column` for a table's column, or a calculated field's name. */
const FieldRef = z.string().min(1).max(320).openapi({ example: "orders.created_at" });
export const FIELD_TYPES = ["number", "integer", "text", "timestamp", "boolean"] as const;

export const ModelTableSchema = z.strictObject({
  alias: Ident.openapi({ description: "How the model names the table; columns are `alias.column`", example: "orders" }),
  table: z.string().min(1).max(511).openapi({ description: "An introspected table", example: "public.orders" }),
}).openapi("DataModelTable");

export const ModelJoinSchema = z.strictObject({
  alias: Ident.openapi({
    description: "The table joined (one of `tables` other than the first)",
    example: "customers",
  }),
  type: z.enum(["inner", "left"]),
  on: z.array(z.strictObject({
    left: FieldRef.openapi({ description: "A column of a table joined before", example: "orders.customer_id" }),
    right: FieldRef.openapi({ description: "A column of the joined table", example: "customers.id" }),
  })).min(1).max(4),
}).openapi("DataModelJoin");

export const CalculatedFieldSchema = z.strictObject({
  name: Ident.openapi({ example: "net_total" }),
  expression: z.string().trim().min(1).max(2000).openapi({
    description: "An SQL expression over the model's columns: whitelisted operators and functions only, no " +
      "subqueries, no semicolons. Admins only.",
    example: "orders.total * 0.8",
  }),
  type: z.enum(FIELD_TYPES).default("number"),
}).openapi("DataModelCalculatedField");

const name = z.string().trim().min(1, "Give it a name").max(200);

const Joins = z.array(ModelJoinSchema).max(9);
const CalculatedFields = z.array(CalculatedFieldSchema).max(30);
const ModelFields = z.strictObject({
  data_source_id: z.uuid(),
  name: name.openapi({ example: "Orders with customers" }),
  description: z.string().trim().max(2000).nullable().optional(),
  tables: z.array(ModelTableSchema).min(1).max(10).openapi({ description: "The first is the base table" }),
  joins: Joins,
  calculated_fields: CalculatedFields,
});

export const CreateDataModelSchema = ModelFields.extend({
  joins: Joins.default([]),
  calculated_fields: CalculatedFields.default([]),
}).openapi("DataModelCreate");
export type CreateDataModelInput = z.infer<typeof CreateDataModelSchema>;
/** What a model is made of (the create input less its source, name and description). */
export type ModelDefinition = Pick<CreateDataModelInput, "tables" | "joins" | "calculated_fields">;

/** No defaults here: a field left out keeps what is stored. */
export const UpdateDataModelSchema = ModelFields.omit({ data_source_id: true }).partial().openapi("DataModelUpdate");
export type UpdateDataModelInput = z.infer<typeof UpdateDataModelSchema>;

export const ModelFieldSchema = z.object({
  name: z.string().openapi({ example: "orders.created_at" }),
  type: z.enum(FIELD_TYPES),
  calculated: z.boolean(),
}).openapi("DataModelField");

export const DataModelSchema = z.object({
  id: z.uuid(),
  data_source_id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  tables: z.array(ModelTableSchema),
  joins: z.array(ModelJoinSchema),
  calculated_fields: z.array(CalculatedFieldSchema),
  fields: z.array(ModelFieldSchema).openapi({ description: "Dimensions and measures the builder offers" }),
  created_by: z.uuid().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi("DataModel");

export const ModelBuildSchema = z.strictObject({
  dimensions: z.array(z.strictObject({
    field: FieldRef,
    grain: z.enum(["day", "week", "month"]).optional(),
  })).max(10).default([]),
  measures: z.array(z.strictObject({
    fn: z.enum(["count", "count_distinct", "sum", "avg", "min", "max"]),
    field: FieldRef.optional().openapi({ description: "Not for count (rows)" }),
  })).max(10).default([]),
  filters: z.array(z.strictObject({
    field: FieldRef,
    op: z.enum(["eq", "ne", "gt", "gte", "lt", "lte"]),
  })).max(10).default([]).openapi({ description: "Each becomes a parameter {{filter_N}}, typed by the field" }),
  sort: z.strictObject({ output: z.int().min(1).max(20), direction: z.enum(["asc", "desc"]) }).optional()
    .openapi({ description: "The n-th output column (dimensions first, then measures)" }),
  limit: z.int().min(1).max(10_000).default(1000),
}).openapi("DataModelBuild");
export type ModelBuildInput = z.infer<typeof ModelBuildSchema>;

export const BuiltModelQuerySchema = z.object({
  data_source_id: z.uuid(),
  query_text: z.string(),
  parameters: z.array(ParameterSchema),
}).openapi("DataModelQuery");

export const RunModelSchema = ModelBuildSchema.extend({
  values: ParameterValuesSchema.default({}).openapi({ description: "A value for each filter_N parameter" }),
}).openapi("DataModelRun");
export type RunModelInput = z.infer<typeof RunModelSchema>;
