/**
 * The app's navigation: the everyday destinations in one row, what the team
 * publishes under "Reports" and the organisation's set-up under "Settings",
 * so it fits one row at 1280 px; below
 * 900 px it folds behind a "Menu" button (static/js/nav.js opens it; without
 * script the links stay listed). "/" focuses the global search.
 */
import { can, type Principal, type Resource } from "../../services/auth/permissions.ts";
import type { Theme } from "../page_context.ts";
import { ThemeSwitch } from "../components/theme_switch.tsx";

interface NavItem {
  href: string;
  label: string;
  /** Shown only to principals who may read this resource. */
  resource?: Resource;
}

const MAIN: NavItem[] = [
  { href: "/", label: "Overview" },
  { href: "/checks", label: "Checks", resource: "health_checks" },
  { href: "/alerts", label: "Alerts", resource: "alerts" },
  { href: "/deployments", label: "Deployments", resource: "deployments" },
  { href: "/projects", label: "Projects", resource: "projects" },
  { href: "/clients", label: "Clients", resource: "clients" },
  { href: "/explore", label: "Metrics", resource: "metrics" },
  { href: "/data-sources", label: "Data", resource: "data_sources" },
];

/** What the team publishes and reads back: custom dashboards, client status pages, SLA statements, the ops score. */
const REPORTS: NavItem[] = [
  { href: "/dashboards", label: "Dashboards", resource: "dashboards" },
  { href: "/status-pages", label: "Status pages", resource: "status_pages" },
  { href: "/sla-reports", label: "SLA reports", resource: "sla_reports" },
  { href: "/insights", label: "Insights", resource: "projects" },
];

const SETTINGS: NavItem[] = [
  // Not in the main row: at 1280 px it is full (the page scrolled sideways with one more link).
  { href: "/approvals", label: "Approvals", resource: "approvals" },
  { href: "/integrations", label: "Integrations", resource: "settings" },
  { href: "/notifications", label: "Notifications", resource: "notification_channels" },
  { href: "/users", label: "Users", resource: "users" },
  { href: "/roles", label: "Roles", resource: "roles" },
  { href: "/settings/user-sync", label: "User sync", resource: "settings" },
  { href: "/api-keys", label: "API keys" },
  { href: "/audits", label: "Audit", resource: "audits" },
  { href: "/docs", label: "API docs" },
];

function visible(item: NavItem, principal: Principal | null | undefined): boolean {
  if (!principal) return item.href === "/docs";
  return !item.resource || can(principal, item.resource, "read");
}

const current = (href: string, path: string) =>
  href === path || (href !== "/" && path.startsWith(`${href}/`)) ? "page" : undefined;

export function AppNav({ path, principal, theme, csrfToken }: {
  path: string;
  principal: Principal | null | undefined;
  theme: Theme;
  csrfToken?: string;
}) {
  const main = MAIN.filter((i) => visible(i, principal));
  const menus = [{ label: "Reports", items: REPORTS }, { label: "Settings", items: SETTINGS }]
    .map((m) => ({ ...m, items: m.items.filter((i) => visible(i, principal)) }))
    .filter((m) => m.items.length > 0);
  return (
    <nav class="container-fluid app-nav" aria-label="Main">
      <ul>
        <li>
          <a href="/" class="brand" aria-label="Opsdeck home">
            <img src="/static/img/favicon.svg" alt="" width="24" height="24" /> <strong>Opsdeck</strong>
          </a>
        </li>
      </ul>
      <button type="button" class="nav-toggle outline secondary" aria-expanded="false" aria-controls="nav-menu">
        Menu
      </button>
      <div id="nav-menu" class="nav-menu">
        <ul class="nav-links">
          {main.map((item) => (
            <li key={item.href}>
              <a href={item.href} aria-current={current(item.href, path)}>{item.label}</a>
            </li>
          ))}
          {principal && menus.map((menu) => (
            <li key={menu.label}>
              <details class="dropdown nav-settings">
                <summary aria-current={menu.items.some((i) => current(i.href, path)) ? "page" : undefined}>
                  {menu.label}
                </summary>
                <ul>
                  {menu.items.map((item) => (
                    <li key={item.href}>
                      <a href={item.href} aria-current={current(item.href, path)}>{item.label}</a>
                    </li>
                  ))}
                </ul>
              </details>
            </li>
          ))}
          {!principal && menus.flatMap((menu) => menu.items).map((item) => (
            <li key={item.href}>
              <a href={item.href}>{item.label}</a>
            </li>
          ))}
        </ul>
        <ul class="nav-user">
          {principal && (
            <li>
              <form method="get" action="/search" role="search" class="nav-search">
                <input
                  type="search"
                  name="q"
                  placeholder="Search  /"
                  aria-label="Search everything (shortcut: /)"
                  aria-keyshortcuts="/"
                  maxLength={200}
                />
              </form>
            </li>
          )}
          {principal && (
            <li>
              <a href="/profile" aria-current={path === "/profile" ? "page" : undefined} class="user-link">
                {principal.name ?? principal.email}
              </a>
            </li>
          )}
          {principal && (
            <li>
              <form method="post" action="/logout" class="inline-form">
                <input type="hidden" name="_csrf" value={csrfToken} />
                <button type="submit" class="outline secondary small">Sign out</button>
              </form>
            </li>
          )}
          <li>
            <ThemeSwitch theme={theme} csrfToken={csrfToken} />
          </li>
        </ul>
      </div>
    </nav>
  );
}
