import type { ComponentChildren } from "preact";
import { useContext } from "preact/hooks";
import type { ProjectRow } from "../../db/queries/projects.ts";
import { can } from "../../services/auth/permissions.ts";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { HUB_TABS, type HubTab, REMOTE_TABS, tabHref } from "./hub_tabs.ts";
import type { ProjectLive } from "../../services/projects/live.ts";
import { ProjectLiveStrip } from "./_project_live.tsx";

export interface HubBodyProps {
  project: ProjectRow;
  tab: HubTab;
  /** The tab's panel; absent for a tab another module serves, which htmx then loads into the panel. */
  children?: ComponentChildren;
}

/**
 * The tab bar and the current tab's panel: the whole of the htmx answer to a
 * tab click, so the bar's current tab always matches the panel. A click asks
 * `/projects/{id}?tab=…` and pushes the tab's own address; opened directly,
 * that address serves the full page.
 */
export function HubBody({ project, tab, children }: HubBodyProps) {
  const { principal } = useContext(PageContext);
  const tabs = HUB_TABS.filter((t) => principal && can(principal, t.resource, "read"));
  const remote = children === undefined && REMOTE_TABS.includes(tab);
  return (
    <div id="hub">
      <nav class="tabs hub-tabs" aria-label="Project sections">
        {tabs.map((t) => (
          <a
            key={t.id}
            href={tabHref(project.id, t.id)}
            hx-get={`/projects/${project.id}?tab=${t.id}`}
            hx-target="#hub"
            hx-swap="outerHTML"
            hx-push-url={tabHref(project.id, t.id)}
            aria-current={t.id === tab ? "page" : undefined}
          >
            {t.label}
          </a>
        ))}
      </nav>
      <section id="hub-panel" aria-live="polite">
        {remote
          ? (
            <div hx-get={tabHref(project.id, tab)} hx-trigger="load" hx-target="this" hx-swap="outerHTML">
              <p aria-busy="true">Loading…</p>
            </div>
          )
          : children}
      </section>
    </div>
  );
}

/** The project hub as a full page: the project's name, client and live state above the tabs. */
export function ProjectHubPage(props: HubBodyProps & { live?: ProjectLive }) {
  const { project, live, ...body } = props;
  return (
    <Layout title={project.name}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/projects">Projects</a>
          </li>
          <li>{project.name}</li>
        </ul>
      </nav>
      <hgroup>
        <h1>
          {project.name}
          {project.archived_at && <span class="tag">archived</span>}
        </h1>
        <p>
          {project.client_name} · <code>{project.slug}</code>
        </p>
      </hgroup>
      <ProjectLiveStrip projectId={project.id} live={live} />
      <HubBody project={project} {...body} />
    </Layout>
  );
}
