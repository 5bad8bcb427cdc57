/**
 * The public page's machine formats, all from the snapshot: a JSON summary in
 * the shape of Statuspage's /api/v2/summary.json (so existing widgets and
 * aggregators read it), RSS 2.0 and Atom through npm `feed` (which escapes
 * every text it writes), and an SVG badge per component.
 */
import { Feed } from "feed";
import type { ComponentStatus, PublicIncident, PublicSnapshot } from "./snapshot.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;

function incidentJson(s: PublicSnapshot, i: PublicIncident) {
  return {
    id: i.id,
    name: i.title,
    status: i.status,
    impact: i.impact,
    created_at: iso(i.started_at),
    updated_at: iso(i.updated_at),
    started_at: iso(i.started_at),
    resolved_at: iso(i.resolved_at),
    scheduled_for: iso(i.scheduled_for),
    scheduled_until: iso(i.scheduled_until),
    page_id: s.page.id,
    incident_updates: i.updates.map((u) => ({
      status: u.status,
      body: u.body,
      incident_id: i.id,
      created_at: iso(u.created_at),
      display_at: iso(u.created_at),
    })),
    components: s.components.filter((c) => i.component_ids.includes(c.id)).map((c) => ({ id: c.id, name: c.name })),
  };
}

export function summaryJson(s: PublicSnapshot, pageUrl: string) {
  return {
    page: {
      id: s.page.id,
      name: s.page.title,
      url: pageUrl,
      time_zone: "Etc/UTC",
      updated_at: iso(s.builtAt),
    },
    status: s.status,
    components: s.components.map((c) => ({
      id: c.id,
      name: c.name,
      status: c.status,
      description: c.description,
      position: c.position,
      page_id: s.page.id,
      group: false,
      group_id: null,
      only_show_if_degraded: false,
      showcase: true,
      updated_at: iso(s.builtAt),
      uptime_90d: c.uptime90,
    })),
    incidents: s.active.filter((i) => i.kind === "incident").map((i) => incidentJson(s, i)),
    scheduled_maintenances: s.active.filter((i) => i.kind === "maintenance").map((i) => incidentJson(s, i)),
  };
}

/**
 * Feed readers render descriptions (and many render titles) as HTML, and `feed` puts text in CDATA as it is:
 * every text goes in entity-escaped, so `<script>` in an incident shows as text in any reader.
 */
const esc = (v: string) => v.replace(/[<>&]/g, (ch) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[ch]!);

function feedOf(s: PublicSnapshot, pageUrl: string): Feed {
  const feed = new Feed({
    title: esc(`${s.page.title}: incidents`),
    description: s.page.description ? esc(s.page.description) : undefined,
    id: pageUrl,
    link: pageUrl,
    copyright: esc(s.page.title),
    updated: s.incidents[0]?.updated_at ?? s.page.updated_at,
    feedLinks: { rss: `${pageUrl}/feed.rss`, atom: `${pageUrl}/feed.atom` },
  });
  for (const i of s.incidents) {
    const body = esc(i.updates.map((u) => `${u.status} (${u.created_at.toISOString()}): ${u.body}`).join("\n\n"));
    feed.addItem({
      title: esc(`${i.kind === "maintenance" ? "Maintenance" : "Incident"}: ${i.title} [${i.status}]`),
      id: `${pageUrl}#incident-${i.id}`,
      link: `${pageUrl}#incident-${i.id}`,
      description: body,
      content: body,
      date: i.updated_at,
      published: i.started_at,
    });
  }
  return feed;
}

export const rssOf = (s: PublicSnapshot, pageUrl: string) => feedOf(s, pageUrl).rss2();
export const atomOf = (s: PublicSnapshot, pageUrl: string) => feedOf(s, pageUrl).atom1();

const BADGE_COLOUR: Record<ComponentStatus, string> = {
  operational: "#2e7d32",
  degraded_performance: "#b26a00",
  partial_outage: "#c75000",
  major_outage: "#c62828",
  under_maintenance: "#1565c0",
};
const BADGE_WORD: Record<ComponentStatus, string> = {
  operational: "up",
  degraded_performance: "degraded",
  partial_outage: "partial outage",
  major_outage: "down",
  under_maintenance: "maintenance",
};

const escapeXml = (v: string) =>
  v.replace(/[<>&"']/g, (ch) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;" })[ch]!);

/** A shields-style badge: the component's display name, then its status and 90-day uptime. */
export function badgeSvg(s: PublicSnapshot, componentId: string): string | null {
  const c = s.components.find((x) => x.id === componentId);
  if (!c) return null;
  const label = c.name.length > 40 ? `${c.name.slice(0, 39)}…` : c.name;
  const value = `${BADGE_WORD[c.status]}${c.uptime90 === null ? "" : ` · ${c.uptime90.toFixed(2)}%`}`;
  // ~6.5 px per character at 11 px Verdana, the usual badge estimate
  const lw = Math.round(label.length * 6.5) + 12, vw = Math.round(value.length * 6.5) + 12;
  const w = lw + vw;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${
    escapeXml(`${label}: ${value}`)
  }"><title>${
    escapeXml(`${label}: ${value}`)
  }</title><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${vw}" height="20" fill="${
    BADGE_COLOUR[c.status]
  }"/><g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle"><text x="${
    lw / 2
  }" y="14">${escapeXml(label)}</text><text x="${lw + vw / 2}" y="14">${escapeXml(value)}</text></g></svg>`;
}
