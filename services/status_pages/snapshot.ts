/**
 * The public model of a status page: everything the page, its JSON summary,
 * feeds and badges show, and nothing else. It is built from display names,
 * statuses and counts only; check names, URLs, hosts, headers and error texts
 * are never read into it, so no rendering of it can leak them.
 */
import type { Sql } from "../../db/client.ts";
import * as inc from "../../db/queries/incidents.ts";
import * as pages from "../../db/queries/status_pages.ts";
import { componentCheckStates, componentDays } from "../../db/queries/status_public.ts";
import { withTenant } from "../../db/tenant.ts";
import { maintenanceIntervals } from "../maintenance/coverage.ts";

export const DAYS = 90;
const DAY_MS = 86_400_000;

/** Statuspage's component statuses (the JSON summary speaks them). */
export type ComponentStatus =
  | "operational"
  | "degraded_performance"
  | "partial_outage"
  | "major_outage"
  | "under_maintenance";
const RANK: ComponentStatus[] = [
  "operational",
  "under_maintenance",
  "degraded_performance",
  "partial_outage",
  "major_outage",
];
const worst = (a: ComponentStatus, b: ComponentStatus) => RANK.indexOf(a) >= RANK.indexOf(b) ? a : b;

export interface PublicDay {
  /** YYYY-MM-DD (UTC) */
  date: string;
  /** answering results / all results, in percent; null: no data that day */
  uptime: number | null;
  maintenance: boolean;
  /** mean response time in ms, null without data */
  latency: number | null;
}

export interface PublicComponent {
  id: string;
  name: string;
  description: string | null;
  position: number;
  status: ComponentStatus;
  uptime90: number | null;
  days: PublicDay[];
}

export interface PublicIncident {
  id: string;
  kind: "incident" | "maintenance";
  title: string;
  status: string;
  impact: string;
  started_at: Date;
  resolved_at: Date | null;
  updated_at: Date;
  scheduled_for: Date | null;
  scheduled_until: Date | null;
  component_ids: string[];
  updates: { status: string; body: string; created_at: Date }[];
}

export interface PublicSnapshot {
  page: {
    id: string;
    slug: string;
    title: string;
    description: string | null;
    logo_url: string | null;
    custom_domain: string | null;
    show_response_times: boolean;
    updated_at: Date;
  };
  status: { indicator: "none" | "minor" | "major" | "critical" | "maintenance"; description: string };
  components: PublicComponent[];
  /** open incidents, maintenance in progress or coming */
  active: PublicIncident[];
  /** everything of the last 90 days, newest first (feeds, history) */
  incidents: PublicIncident[];
  builtAt: Date;
}

const IMPACT_STATUS: Record<string, ComponentStatus> = {
  none: "operational",
  minor: "degraded_performance",
  major: "partial_outage",
  critical: "major_outage",
  maintenance: "under_maintenance",
};

/** The published page at `slug` as the public sees it, or null (unknown or unpublished: the same 404). */
export async function loadSnapshot(sql: Sql, slug: string, now: Date): Promise<PublicSnapshot | null> {
  const page = await pages.publishedPageBySlug(sql, slug);
  if (!page) return null;
  const tenantId = page.tenant_id;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const from = new Date(today - (DAYS - 1) * DAY_MS);
  return await withTenant(sql, tenantId, async (tx) => {
    const [components, states, days, incidents] = await Promise.all([
      pages.listComponents(tx, tenantId, page.id),
      componentCheckStates(tx, tenantId, page.id),
      componentDays(tx, tenantId, page.id, from),
      inc.listPageIncidents(tx, tenantId, page.id, from),
    ]);
    const updates = await inc.listUpdates(tx, tenantId, incidents.map((i) => i.id));
    const projects = [...new Set(states.map((s) => s.project_id))];
    const maintenance = new Map<string, { start: Date; end: Date }[]>();
    for (const p of projects) maintenance.set(p, await maintenanceIntervals(tx, tenantId, p, from, now));
    return build(page, components, states, days, incidents, updates, maintenance, from, now);
  });
}

function build(
  page: pages.StatusPageRow,
  components: pages.ComponentRow[],
  states: Awaited<ReturnType<typeof componentCheckStates>>,
  days: Awaited<ReturnType<typeof componentDays>>,
  incidents: inc.IncidentRow[],
  updates: inc.IncidentUpdateRow[],
  maintenance: Map<string, { start: Date; end: Date }[]>,
  from: Date,
  now: Date,
): PublicSnapshot {
  const publicIncidents: PublicIncident[] = incidents
    .filter((i) => i.kind === "incident" || page.show_maintenance)
    .map((i) => ({
      id: i.id,
      kind: i.kind,
      title: i.title,
      status: i.status,
      impact: i.impact,
      started_at: i.started_at,
      resolved_at: i.resolved_at,
      updated_at: i.updated_at,
      scheduled_for: i.scheduled_for,
      scheduled_until: i.scheduled_until,
      component_ids: i.component_ids,
      updates: updates.filter((u) => u.incident_id === i.id).map((u) => ({
        status: u.status,
        body: u.body,
        created_at: u.created_at,
      })),
    }));
  const active = publicIncidents.filter((i) =>
    i.kind === "incident" ? i.resolved_at === null : i.resolved_at === null && i.scheduled_until! > now
  );
  const inMaintenance = (i: PublicIncident) =>
    i.kind === "maintenance" && i.resolved_at === null && i.scheduled_for! <= now && now < i.scheduled_until!;

  const dayKeys = Array.from({ length: DAYS }, (_, k) => new Date(from.getTime() + k * DAY_MS));
  const result: PublicComponent[] = components.map((c) => {
    const own = states.filter((s) => s.component_id === c.id && !s.paused);
    let status: ComponentStatus = "operational";
    const down = own.filter((s) => s.status === "down").length;
    if (down && down === own.length) status = "major_outage";
    else if (down) status = "partial_outage";
    else if (own.some((s) => s.status === "degraded")) status = "degraded_performance";
    for (const i of active) {
      if (!i.component_ids.includes(c.id)) continue;
      if (i.kind === "incident") status = worst(status, IMPACT_STATUS[i.impact] ?? "operational");
      else if (inMaintenance(i)) status = worst(status, "under_maintenance");
    }
    const spans = [...new Set(own.map((s) => s.project_id))].flatMap((p) => maintenance.get(p) ?? []);
    const windows = publicIncidents.filter((i) => i.kind === "maintenance" && i.component_ids.includes(c.id));
    let total = 0, ok = 0;
    const bars = dayKeys.map((start): PublicDay => {
      const date = start.toISOString().slice(0, 10);
      const end = start.getTime() + DAY_MS;
      const row = days.find((d) => d.component_id === c.id && d.day === date);
      const maint = spans.some((s) => s.start.getTime() < end && s.end > start) ||
        windows.some((w) => w.scheduled_for!.getTime() < end && w.scheduled_until! > start && w.scheduled_for! <= now);
      if (row) {
        total += row.total;
        ok += row.ok;
      }
      return {
        date,
        uptime: row && row.total ? round(100 * row.ok / row.total) : null,
        maintenance: maint,
        latency: row && row.latency_count ? Math.round(row.latency_sum / row.latency_count) : null,
      };
    });
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      position: c.position,
      status,
      uptime90: total ? round(100 * ok / total) : null,
      days: bars,
    };
  });
  return {
    page: {
      id: page.id,
      slug: page.slug,
      title: page.title,
      description: page.description,
      logo_url: page.logo_url,
      custom_domain: page.custom_domain,
      show_response_times: page.show_response_times,
      updated_at: page.updated_at,
    },
    status: overall(result),
    components: result,
    active,
    incidents: publicIncidents,
    builtAt: now,
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function overall(components: PublicComponent[]): PublicSnapshot["status"] {
  const s = components.map((c) => c.status).reduce(worst, "operational");
  switch (s) {
    case "major_outage":
      return { indicator: "critical", description: "Major outage" };
    case "partial_outage":
      return { indicator: "major", description: "Partial outage" };
    case "degraded_performance":
      return { indicator: "minor", description: "Degraded performance" };
    case "under_maintenance":
      return { indicator: "maintenance", description: "Under maintenance" };
    default:
      return { indicator: "none", description: "All systems operational" };
  }
}
