import type { ComponentChildren } from "preact";
import { useContext } from "preact/hooks";
import { PageContext } from "../page_context.ts";
import { ThemeSwitch } from "../components/theme_switch.tsx";

const NAV = [
  { href: "/", label: "Overview" },
  { href: "/docs", label: "API docs" },
];

const HTMX_CONFIG = JSON.stringify({
  selfRequestsOnly: true,
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  historyCacheSize: 0,
});

/** The base layout: every full page is rendered inside it. */
export function Layout({ title, children }: { title: string; children: ComponentChildren }) {
  const { theme, path } = useContext(PageContext);
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
      <body>
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
              {NAV.map((item) => (
                <li key={item.href}>
                  <a href={item.href} aria-current={item.href === path ? "page" : undefined}>{item.label}</a>
                </li>
              ))}
              <li>
                <ThemeSwitch theme={theme} />
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
