import type { ComponentChildren } from "preact";
import { useContext } from "preact/hooks";
import { PageContext } from "../page_context.ts";
import { AppNav } from "./app_nav.tsx";

const HTMX_CONFIG = JSON.stringify({
  selfRequestsOnly: true,
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  historyCacheSize: 0,
});

/** The base layout: every full page is rendered inside it. */
export function Layout(
  { title, children, head }: {
    title: string;
    children: ComponentChildren;
    /** A page's own stylesheets and scripts (all from /static, under the CSP). */
    head?: ComponentChildren;
  },
) {
  const { theme, path, principal, csrfToken, liveStream } = useContext(PageContext);
  return (
    <html lang="en" data-theme={theme === "auto" ? undefined : theme} data-time-zone={principal?.timeZone ?? undefined}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        {liveStream && <meta name="opsdeck-live" content="/ui/live" />}
        <title>{`${title} · Opsdeck`}</title>
        <link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/static/vendor/pico.min.css" />
        <link rel="stylesheet" href="/static/css/app.css" />
        <link rel="stylesheet" href="/static/css/first_use.css" />
        <script src="/static/vendor/htmx.min.js" defer></script>
        <script src="/static/js/time.js" defer></script>
        <script src="/static/js/nav.js" defer></script>
        <script src="/static/js/copy.js" defer></script>
        <script src="/static/js/live.js" defer></script>
        {head}
      </head>
      <body hx-headers={csrfToken ? JSON.stringify({ "X-CSRF-Token": csrfToken }) : undefined}>
        <header class="topbar">
          <AppNav path={path} principal={principal} theme={theme} csrfToken={csrfToken} />
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
