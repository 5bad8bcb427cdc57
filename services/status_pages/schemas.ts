/** Status page, component and incident shapes, shared by the JSON API and the pages. */
import { z } from "@hono/zod-openapi";

const text = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullish().transform((v) => v ? v : null);

export const StatusPageInputSchema = z.strictObject({
  title: text(200).min(1, "Give the page a title").openapi({ example: "Acme status" }),
  slug: z.string().trim().toLowerCase().regex(
    /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/,
    "Lower-case letters, digits and dashes; it is the public address /status/<slug>",
  ).openapi({ example: "acme" }),
  client_id: z.uuid().nullish().transform((v) => v ?? null).openapi({
    description: "The client the page is for; null or absent: tenant-wide",
  }),
  description: optionalText(2000),
  logo_url: z.url({ protocol: /^https$/, error: "An https:// address of the logo" }).max(2048).nullish()
    .transform((v) => v ?? null),
  published: z.boolean().default(false),
  custom_domain: z.string().trim().toLowerCase().regex(
    /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/,
    "A host name such as status.acme.example",
  ).nullish().transform((v) => v ?? null).openapi({
    description: "Served at https://<custom_domain>/ when the proxy forwards that Host (TLS stays at the proxy)",
  }),
  show_maintenance: z.boolean().default(true),
  show_response_times: z.boolean().default(false),
}).openapi("StatusPageInput");
export type StatusPageInput = z.infer<typeof StatusPageInputSchema>;

export const StatusPageSchema = z.object({
  id: z.uuid(),
  client_id: z.uuid().nullable(),
  slug: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  logo_url: z.string().nullable(),
  published: z.boolean(),
  custom_domain: z.string().nullable(),
  show_maintenance: z.boolean(),
  show_response_times: z.boolean(),
  public_url: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi("StatusPage");

export const ComponentInputSchema = z.strictObject({
  name: text(200).min(1, "Give the component a display name").openapi({ example: "Checkout" }),
  description: optionalText(1000),
  position: z.int().min(0).max(10_000).default(0),
  check_ids: z.array(z.uuid()).min(1, "Pick at least one check").max(100),
}).openapi("StatusComponentInput");
export type ComponentInput = z.infer<typeof ComponentInputSchema>;

export const ComponentSchema = z.object({
  id: z.uuid(),
  page_id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  position: z.int(),
  check_ids: z.array(z.uuid()),
}).openapi("StatusComponent");

export const INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
export const MAINTENANCE_STATUSES = ["scheduled", "in_progress", "completed"] as const;
export const IMPACTS = ["none", "minor", "major", "critical"] as const;

export const IncidentCreateSchema = z.strictObject({
  page_id: z.uuid(),
  kind: z.enum(["incident", "maintenance"]).default("incident"),
  title: text(200).min(1, "Give the incident a title"),
  status: z.enum([...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES]).optional(),
  impact: z.enum(IMPACTS).default("minor"),
  message: text(5000).min(1, "Say what is happening"),
  component_ids: z.array(z.uuid()).max(100).default([]),
  scheduled_for: z.iso.datetime({ offset: true }).optional(),
  scheduled_until: z.iso.datetime({ offset: true }).optional(),
}).openapi("IncidentCreate");
export type IncidentCreateInput = z.infer<typeof IncidentCreateSchema>;

export const IncidentUpdateSchema = z.strictObject({
  status: z.enum([...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES]),
  message: text(5000).min(1, "Say what changed"),
  impact: z.enum(IMPACTS).optional(),
  component_ids: z.array(z.uuid()).max(100).optional(),
}).openapi("IncidentUpdateInput");
export type IncidentUpdateInput = z.infer<typeof IncidentUpdateSchema>;

export const IncidentSchema = z.object({
  id: z.uuid(),
  page_id: z.uuid(),
  kind: z.enum(["incident", "maintenance"]),
  title: z.string(),
  status: z.string(),
  impact: z.string(),
  alert_id: z.uuid().nullable(),
  component_ids: z.array(z.uuid()),
  started_at: z.string(),
  resolved_at: z.string().nullable(),
  scheduled_for: z.string().nullable(),
  scheduled_until: z.string().nullable(),
  updates: z.array(z.object({ status: z.string(), body: z.string(), created_at: z.string() })),
}).openapi("Incident");

export const FromAlertSchema = z.strictObject({
  page_id: z.uuid().optional().openapi({
    description: "Only this page; absent: every page with a component showing the alert's check",
  }),
}).openapi("IncidentFromAlert");
