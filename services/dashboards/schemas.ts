/** Dashboard and widget shapes, shared by the JSON API and the pages. */
import { z } from "@hono/zod-openapi";

export const WIDGET_TYPES = [
  "line_chart",
  "bar_chart",
  "pie_chart",
  "table",
  "metric_card",
  "check_status",
  "uptime",
] as const;
export type WidgetType = typeof WIDGET_TYPES[number];

/** Built-in data shapes (services/dashboards/data/builtin.ts), plus a saved query of a data source. */
export const BUILTIN_QUERIES = [
  "checks_by_status",
  "check_list",
  "uptime_daily",
  "uptime_by_check",
  "latency_daily",
  "deployments_daily",
  "deployments_by_status",
  "alerts_by_severity",
  "metric_series",
] as const;
export const WIDGET_QUERIES = [...BUILTIN_QUERIES, "saved_query"] as const;
export type WidgetQuery = typeof WIDGET_QUERIES[number];
export type BuiltinQuery = typeof BUILTIN_QUERIES[number];

export const RANGES = ["24h", "7d", "30d", "90d"] as const;
export const RANGE_MS: Record<typeof RANGES[number], number> = {
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
  "90d": 90 * 86_400_000,
};
export const MAX_WIDGETS = 100;
export const LEVELS = ["view", "edit", "share", "admin"] as const;
export type Level = typeof LEVELS[number];

const filterValue = z.string().max(200);
export const FiltersSchema = z.strictObject({
  range: z.enum(RANGES).default("7d"),
  project_id: z.uuid().nullable().default(null),
  environment: z.string().trim().max(100).nullable().default(null),
  params: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/), filterValue).refine(
    (p) => Object.keys(p).length <= 20,
    "At most 20 parameters",
  ).default({}),
}).openapi("DashboardFilters");
export type Filters = z.infer<typeof FiltersSchema>;

const name = z.string().trim().min(1, "Give it a name").max(200);
const tags = z.array(z.string().trim().toLowerCase().min(1).max(50)).max(20);

export const CreateDashboardSchema = z.strictObject({
  name: name.openapi({ example: "Client uptime" }),
  description: z.string().max(2000).nullable().optional(),
  tags: tags.default([]),
  filters: FiltersSchema.default({ range: "7d", project_id: null, environment: null, params: {} }),
  refresh_seconds: z.int().min(30).max(86_400).default(300),
}).openapi("DashboardCreate");
export type CreateDashboardInput = z.infer<typeof CreateDashboardSchema>;

export const UpdateDashboardSchema = z.strictObject({
  name: name.optional(),
  description: z.string().max(2000).nullable().optional(),
  tags: tags.optional(),
  filters: FiltersSchema.optional(),
  refresh_seconds: z.int().min(30).max(86_400).optional(),
}).openapi("DashboardUpdate");
export type UpdateDashboardInput = z.infer<typeof UpdateDashboardSchema>;

export const PositionSchema = z.strictObject({
  x: z.int().min(0, "x must be 0 or more").max(11),
  y: z.int().min(0, "y must be 0 or more").max(10_000),
  w: z.int().min(1).max(12),
  h: z.int().min(1).max(24),
}).refine((p) => p.x + p.w <= 12, { message: "x + w must be at most 12", path: ["w"] }).openapi("WidgetPosition");
export type Position = z.infer<typeof PositionSchema>;

export const WidgetInputSchema = z.strictObject({
  type: z.enum(WIDGET_TYPES),
  title: z.string().trim().min(1, "Give it a title").max(200),
  query: z.enum(WIDGET_QUERIES).openapi({
    description: "A built-in shape over Opsdeck's own data, or `saved_query` (then `saved_query_id`)",
  }),
  saved_query_id: z.uuid().nullable().optional(),
  config: z.record(z.string(), z.union([z.string().max(200), z.number(), z.boolean()])).default({}).openapi({
    description: "Per shape: `metric` (metric_series), `column` (metric_card), `limit` (table rows)",
  }),
  position: PositionSchema.optional().openapi({ description: "Left out: the first free row" }),
}).openapi("WidgetInput");
export type WidgetInput = z.infer<typeof WidgetInputSchema>;

export const WidgetUpdateSchema = WidgetInputSchema.partial().openapi("WidgetUpdate");
export type WidgetUpdate = z.infer<typeof WidgetUpdateSchema>;

export const LayoutSchema = z.strictObject({
  positions: z.array(z.strictObject({ id: z.uuid(), position: PositionSchema })).max(MAX_WIDGETS),
}).openapi("DashboardLayout");
export type LayoutInput = z.infer<typeof LayoutSchema>;

export const WidgetSchema = z.object({
  id: z.uuid(),
  type: z.enum(WIDGET_TYPES),
  title: z.string(),
  query: z.enum(WIDGET_QUERIES),
  data_source_id: z.uuid().nullable(),
  saved_query_id: z.uuid().nullable(),
  config: z.record(z.string(), z.unknown()),
  position: PositionSchema,
}).openapi("Widget");

export const DashboardSchema = z.object({
  id: z.uuid(),
  owner_id: z.uuid().nullable(),
  name: z.string(),
  description: z.string().nullable(),
  tags: z.array(z.string()),
  filters: FiltersSchema,
  refresh_seconds: z.int(),
  is_public: z.boolean(),
  version: z.int(),
  published_version: z.int().nullable(),
  published_at: z.string().nullable(),
  my_level: z.enum(LEVELS),
  widgets: z.array(WidgetSchema).optional(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi("Dashboard");

export const DatasetSchema = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))),
}).openapi("WidgetData");
export type Dataset = z.infer<typeof DatasetSchema>;

export const GrantInputSchema = z.strictObject({
  user_email: z.email().optional(),
  role: z.string().min(1).max(64).optional(),
  level: z.enum(LEVELS),
}).refine((g) => (g.user_email === undefined) !== (g.role === undefined), {
  message: "Name either a user_email or a role",
  path: ["user_email"],
});
export const GrantsSchema = z.strictObject({ grants: z.array(GrantInputSchema).max(500) }).openapi("DashboardGrants");
export type GrantsInput = z.infer<typeof GrantsSchema>;

export const GrantSchema = z.object({
  user_id: z.uuid().nullable(),
  role_id: z.uuid().nullable(),
  grantee: z.string(),
  level: z.enum(LEVELS),
  granted_at: z.string(),
}).openapi("DashboardGrant");

export const PublicLinkInputSchema = z.strictObject({
  editable: z.array(z.enum(["range", "project_id", "environment"])).default([]).openapi({
    description: "Filters a public viewer may change; the rest stay as the owner set them",
  }),
}).openapi("PublicLinkInput");
