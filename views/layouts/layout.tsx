import type { ComponentChildren } from "preact";
import { useContext } from "preact/hooks";
import { can, type Principal, type Resource } from "../../services/auth/permissions.ts";
import { PageContext } from "../page_context.ts";
import { ThemeSwitch } from "../components/theme_switch.tsx";

interface NavItem {
  href: string;
  label: string;
  /** Shown only to principals who may read this resource. */
  resource?: Resource;
}

const NAV: NavItem[] = [
  { href: "/", label: "Overview" },
  { href: "/clients", label: "Clients", resource: "clients" },
  { href: "/projects", label: "Projects", resource: "projects" },
  { href: "/deployments", label: "Deployments", resource: "deployments" },
  { href: "/checks", label: "Checks", resource: "health_checks" },
  { href: "/explore", label: "Metrics", resource: "metrics" },
  { href: "/alerts", label: "Alerts", resource: "alerts" },
  { href: "/notifications", label: "Notifications", resource: "notification_channels" },
  { href: "/data-sources", label: "Data", resource: "data_sources" },
  { href: "/users", label: "Users", resource: "users" },
  { href: "/roles", label: "Roles", resource: "roles" },
  { href: "/api-keys", label: "API keys" },
  { href: "/audits", label: "Audit", resource: "audits" },
  { href: "/docs", label: "API docs" },
];

const HTMX_CONFIG = JSON.stringify({
  selfRequestsOnly: true,
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  historyCacheSize: 0,
});

function visible(item: NavItem, principal: Principal | null | undefined): boolean {
  if (!principal) return item.href === "/docs";
  return !item.resource || can(principal, item.resource, "read");
}

/** The base layout: every full page is rendered inside it. */
export function Layout({ title, children }: { title: string; children: ComponentChildren }) {
  const { theme, path, principal, csrfToken } = useContext(PageContext);
  return (
    <html lang="en" data-theme={theme === "auto" ? undefined : theme}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>{`${title} · Opsdeck`}</title>
        <link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/static/vendor/pico.min.css" />
        <link rel="stylesheet" href="/static/css/app.css" />
        <script src="/static/vendor/htmx.min.js" defer></script>
      </head>
      <body hx-headers={csrfToken ? JSON.stringify({ "X-CSRF-Token": csrfToken }) : undefined}>
        <header class="topbar">
          <nav class="container-fluid">
            <ul>
              <li>
                <a href="/" class="brand" aria-label="Opsdeck home">
                  <img src="/static/img/favicon.svg" alt="" width="24" height="24" /> <strong>Opsdeck</strong>
                </a>
              </li>
            </ul>
            <ul>
              {NAV.filter((item) => visible(item, principal)).map((item) => (
                <li key={item.href}>
                  <a href={item.href} aria-current={item.href === path ? "page" : undefined}>{item.label}</a>
                </li>
              ))}
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
          </nav>
        </header>
        <main class="container" id="main">{children}</main>
        <footer class="container muted">
          <small>
            Opsdeck · <a href="/openapi.json">OpenAPI</a> · <a href="/metrics">Metrics</a>
          </small>
        </footer>
      </body>
    </html>
  );
}
