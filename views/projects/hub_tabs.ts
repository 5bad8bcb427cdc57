/** The project hub's tabs, in order. Documents and change requests are served by routes/ui/sows.tsx and change_requests.tsx. */
import type { Resource } from "../../services/auth/permissions.ts";

export const HUB_TABS = [
  { id: "overview", label: "Overview", resource: "projects" },
  { id: "deployments", label: "Deployments", resource: "deployments" },
  { id: "health", label: "Health", resource: "health_checks" },
  { id: "metrics", label: "Metrics", resource: "metrics" },
  { id: "alerts", label: "Alerts", resource: "alerts" },
  { id: "documents", label: "Documents", resource: "sows" },
  { id: "change-requests", label: "Change requests", resource: "change_requests" },
  { id: "audit", label: "Audit", resource: "audits" },
] as const satisfies readonly { id: string; label: string; resource: Resource }[];

export type HubTab = typeof HUB_TABS[number]["id"];

/** Tabs whose panel is another module's route, loaded into the hub by htmx. */
export const REMOTE_TABS: readonly HubTab[] = ["documents", "change-requests"];

export function isHubTab(value: string | undefined): value is HubTab {
  return HUB_TABS.some((t) => t.id === value);
}

/** The address of a tab: the overview is the project's own. */
export function tabHref(projectId: string, tab: HubTab): string {
  return tab === "overview" ? `/projects/${projectId}` : `/projects/${projectId}/${tab}`;
}
