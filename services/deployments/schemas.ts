/** Request and response shapes for deployments: one schema for the API, the webhook mapping and the pages. */
import { z } from "@hono/zod-openapi";
import { DEPLOYMENT_SOURCES, DEPLOYMENT_STATUSES, type DeploymentRow } from "../../db/queries/deployments.ts";
import { APPROVAL_STATUSES } from "../../db/queries/approvals.ts";
import { PageQuerySchema } from "../platform/pagination.ts";
import { commitUrl, durationSeconds } from "./links.ts";

const max = (n: number) => `must be at most ${n} characters`;
const Time = z.iso.datetime({ offset: true, error: "must be an RFC 3339 time like 2025-03-01T09:30:00Z" })
  .openapi({ format: "date-time", example: "2025-03-01T09:30:00Z" });

export const CommitSha = z.string().trim().regex(/^[0-9a-fA-F]{7,40}$/, "must be 7 to 40 hexadecimal characters")
  .openapi({ example: "9f2c1e7b4a3d", description: "Stored lower-case" });
export const EnvironmentName = z.string().trim().min(1, "is required").max(100, max(100))
  .openapi({ example: "production", description: "A new name adds the environment to the project" });
const Url = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).max(2048, max(2048));

export const DEFAULT_MAINTENANCE_MINUTES = 60;

/** A new deployment starts in any status but `rolled_back` (a CI job that reports only at the end posts `succeeded`). */
export const NEW_STATUSES = DEPLOYMENT_STATUSES.filter((s) => s !== "rolled_back");

export const CreateDeploymentSchema = z.strictObject({
  project_id: z.uuid().optional().openapi({ example: "5f0c3a9e-2b1d-4c8e-9f7a-6d5e4c3b2a19" }),
  project_slug: z.string().trim().min(1).max(64, max(64)).optional().openapi({ example: "storefront" }),
  environment: EnvironmentName,
  status: z.enum(NEW_STATUSES).openapi({ example: "in_progress" }),
  commit_sha: CommitSha,
  ref: z.string().trim().min(1).max(255, max(255)).optional().openapi({ example: "main" }),
  url: Url.optional().openapi({
    example: "https://github.com/acme/storefront/actions/runs/123",
    description: "The CI run or the deployed site",
  }),
  actor: z.string().trim().min(1).max(200, max(200)).optional().openapi({ example: "octocat" }),
  started_at: Time.optional(),
  finished_at: Time.optional(),
  committed_at: Time.optional().openapi({ description: "The commit's time; enables lead time for changes" }),
  maintenance: z.boolean().optional().openapi({
    description: "Open a maintenance window on the project's environment while this deployment runs: it closes " +
      "when the deployment finishes, or after `maintenance_minutes` if it never reports back",
    example: true,
  }),
  maintenance_minutes: z.number().int().min(1).max(1440).optional().openapi({
    description: `The window's timeout (default ${DEFAULT_MAINTENANCE_MINUTES})`,
    example: 30,
  }),
}).superRefine((body, ctx) => {
  if (body.maintenance_minutes !== undefined && body.maintenance !== true) {
    ctx.addIssue({ code: "custom", path: ["maintenance_minutes"], message: "only with maintenance: true" });
  }
  if ((body.project_id === undefined) === (body.project_slug === undefined)) {
    ctx.addIssue({ code: "custom", path: ["project_id"], message: "give exactly one of project_id and project_slug" });
  }
  if (body.started_at && body.finished_at && Date.parse(body.finished_at) < Date.parse(body.started_at)) {
    ctx.addIssue({ code: "custom", path: ["finished_at"], message: "must not be before started_at" });
  }
  // The refinement above says "exactly one of project_id / project_slug" with a plain message; the document says it
  // the JSON Schema way, for generated clients and validators.
}).openapi("DeploymentCreate", { oneOf: [{ required: ["project_id"] }, { required: ["project_slug"] }] });
export type CreateDeploymentInput = z.infer<typeof CreateDeploymentSchema>;

export const UpdateDeploymentSchema = z.strictObject({
  status: z.enum(DEPLOYMENT_STATUSES).openapi({ example: "succeeded" }),
  url: Url.nullable().optional(),
  started_at: Time.optional(),
  finished_at: Time.optional(),
}).openapi("DeploymentUpdate");
export type UpdateDeploymentInput = z.infer<typeof UpdateDeploymentSchema>;

export const ListDeploymentsQuerySchema = PageQuerySchema.extend({
  project_id: z.uuid().optional(),
  environment: z.string().trim().min(1).max(100).optional(),
  status: z.enum(DEPLOYMENT_STATUSES).optional(),
  since: Time.optional().openapi({ description: "Created at or after this time" }),
  until: Time.optional().openapi({ description: "Created before this time" }),
});
export type ListDeploymentsQuery = z.infer<typeof ListDeploymentsQuerySchema>;

const NullableTime = z.string().nullable().openapi({ format: "date-time" });

export const DeploymentSchema = z.object({
  id: z.uuid(),
  project_id: z.uuid(),
  project_name: z.string().openapi({ example: "Storefront" }),
  project_slug: z.string().openapi({ example: "storefront" }),
  environment: z.string().openapi({ example: "production" }),
  status: z.enum(DEPLOYMENT_STATUSES).openapi({ example: "succeeded" }),
  commit_sha: z.string().openapi({ example: "9f2c1e7b4a3d" }),
  commit_url: z.string().nullable().openapi({
    example: "https://github.com/acme/storefront/commit/9f2c1e7b4a3d",
    description: "Built from the project's repository URL",
  }),
  ref: z.string().nullable().openapi({ example: "main" }),
  url: z.string().nullable(),
  actor: z.string().nullable().openapi({ example: "octocat" }),
  source: z.enum(DEPLOYMENT_SOURCES).openapi({ example: "api" }),
  external_id: z.string().nullable().openapi({ description: "GitHub's deployment id for webhook deployments" }),
  committed_at: NullableTime,
  started_at: NullableTime,
  finished_at: NullableTime,
  duration_seconds: z.number().int().nullable().openapi({ example: 184 }),
  maintenance_window: z.object({
    id: z.uuid(),
    starts_at: z.string().openapi({ format: "date-time" }),
    ends_at: z.string().openapi({ format: "date-time" }),
  }).nullable().openapi({ description: "The maintenance window this deployment opened, if it asked for one" }),
  approval: z.object({
    id: z.uuid(),
    status: z.enum(APPROVAL_STATUSES),
    decided_by_name: z.string().nullable().openapi({ example: "Alice" }),
    decided_at: z.string().nullable().openapi({ format: "date-time" }),
    wait_url: z.string().openapi({ example: "/api/v1/approvals/1b6f0c1e-8f3a-4a1e-9d2b-3c4d5e6f7a8b/wait" }),
  }).nullable().openapi({
    description: "The deploy gate of a protected environment: CI waits on `wait_url` until `approved`, then " +
      "moves the deployment on; `rejected` or `expired` cancels it",
  }),
  commit: z.object({
    message: z.string().openapi({ example: "Fix the basket total for EU VAT" }),
    author: z.string().nullable().openapi({ example: "octocat" }),
    pull_request: z.object({
      number: z.number().int().openapi({ example: 42 }),
      title: z.string().openapi({ example: "EU VAT in the basket" }),
      url: z.string().openapi({ example: "https://github.com/acme/storefront/pull/42" }),
    }).nullable(),
  }).nullable().openapi({
    description: "The commit's message, author and pull request as GitHub has them, fetched by the GitHub " +
      "integration's sync worker (null until then, or without a GitHub integration)",
  }),
  created_at: z.string().openapi({ format: "date-time" }),
  updated_at: z.string().openapi({ format: "date-time" }),
}).openapi("Deployment");
export type DeploymentJson = z.infer<typeof DeploymentSchema>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function deploymentJson(d: DeploymentRow): DeploymentJson {
  return {
    id: d.id,
    project_id: d.project_id,
    project_name: d.project_name,
    project_slug: d.project_slug,
    environment: d.environment,
    status: d.status,
    commit_sha: d.commit_sha,
    commit_url: commitUrl(d.repository_url, d.commit_sha),
    ref: d.ref,
    url: d.url,
    actor: d.actor,
    source: d.source,
    external_id: d.external_id,
    committed_at: iso(d.committed_at),
    started_at: iso(d.started_at),
    finished_at: iso(d.finished_at),
    duration_seconds: durationSeconds(d),
    maintenance_window: d.maintenance_window_id && d.maintenance_starts_at && d.maintenance_ends_at
      ? {
        id: d.maintenance_window_id,
        starts_at: d.maintenance_starts_at.toISOString(),
        ends_at: d.maintenance_ends_at.toISOString(),
      }
      : null,
    approval: d.approval_id && d.approval_status
      ? {
        id: d.approval_id,
        status: d.approval_status,
        decided_by_name: d.approved_by_name,
        decided_at: iso(d.approval_decided_at),
        wait_url: `/api/v1/approvals/${d.approval_id}/wait`,
      }
      : null,
    commit: d.commit_message === null ? null : {
      message: d.commit_message,
      author: d.commit_author,
      pull_request: d.pr_number !== null && d.pr_title !== null && d.pr_url !== null
        ? { number: d.pr_number, title: d.pr_title, url: d.pr_url }
        : null,
    },
    created_at: d.created_at.toISOString(),
    updated_at: d.updated_at.toISOString(),
  };
}
