/**
 * The public status page: its own small document (no app navigation, no
 * session), rendered from the public snapshot only. Preact escapes every
 * text, so a component named `<script>` shows as text.
 */
import type {
  ComponentStatus,
  PublicComponent,
  PublicIncident,
  PublicSnapshot,
} from "../../services/status_pages/snapshot.ts";

const WORDS: Record<ComponentStatus, string> = {
  operational: "Operational",
  degraded_performance: "Degraded performance",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
  under_maintenance: "Under maintenance",
};

function barClass(d: PublicComponent["days"][number]): string {
  if (d.maintenance && (d.uptime === null || d.uptime < 100)) return "bar maint";
  if (d.uptime === null) return "bar none";
  if (d.uptime >= 99.9) return "bar ok";
  if (d.uptime >= 99) return "bar minor";
  if (d.uptime >= 95) return "bar major";
  return "bar down";
}

function barTitle(d: PublicComponent["days"][number]): string {
  const up = d.uptime === null ? "no data" : `${d.uptime.toFixed(2)}% up`;
  return `${d.date}: ${up}${d.maintenance ? ", maintenance" : ""}`;
}

function Sparkline({ days }: { days: PublicComponent["days"] }) {
  const points = days.map((d, i) => [i, d.latency] as const).filter(([, v]) => v !== null) as [number, number][];
  if (points.length < 2) return null;
  const max = Math.max(...points.map(([, v]) => v)) || 1;
  const path = points.map(([i, v]) => `${(i * 300 / (days.length - 1)).toFixed(1)},${(28 - v * 26 / max).toFixed(1)}`)
    .join(" ");
  const last = points[points.length - 1][1];
  return (
    <figure class="spark">
      <svg
        viewBox="0 0 300 30"
        preserveAspectRatio="none"
        role="img"
        aria-label={`Mean response time, latest ${last} ms`}
      >
        <polyline points={path} fill="none" stroke="currentColor" stroke-width="1.5" />
      </svg>
      <figcaption>Response time, 90 days · latest day {last} ms</figcaption>
    </figure>
  );
}

function Component({ c, showLatency }: { c: PublicComponent; showLatency: boolean }) {
  return (
    <article class="component" id={`component-${c.id}`}>
      <header>
        <strong>{c.name}</strong>
        <span class={`pill ${c.status}`}>{WORDS[c.status]}</span>
      </header>
      {c.description && <p class="muted">{c.description}</p>}
      <div class="bars" role="img" aria-label={`Daily uptime for 90 days: ${c.uptime90 ?? "no data"} %`}>
        {c.days.map((d) => <span key={d.date} class={barClass(d)} title={barTitle(d)} />)}
      </div>
      <p class="bar-legend">
        <small>90 days ago</small>
        <small>{c.uptime90 === null ? "no data" : `${c.uptime90.toFixed(2)} % uptime`}</small>
        <small>today</small>
      </p>
      {showLatency && <Sparkline days={c.days} />}
    </article>
  );
}

function Incident({ i, names }: { i: PublicIncident; names: Map<string, string> }) {
  const affected = i.component_ids.map((id) => names.get(id)).filter(Boolean).join(", ");
  return (
    <article class={`incident ${i.kind} impact-${i.impact}`} id={`incident-${i.id}`}>
      <header>
        <strong>{i.title}</strong> <span class="pill">{i.status.replace("_", " ")}</span>
        {affected && <small class="muted">Affects {affected}</small>}
        {i.kind === "maintenance" && (
          <small class="muted">
            Scheduled <time datetime={i.scheduled_for?.toISOString()}>{fmt(i.scheduled_for)}</time> –{" "}
            <time datetime={i.scheduled_until?.toISOString()}>{fmt(i.scheduled_until)}</time>
          </small>
        )}
      </header>
      <ol class="updates">
        {i.updates.map((u, k) => (
          <li key={k}>
            <strong>{u.status.replace("_", " ")}</strong> ·{" "}
            <time datetime={u.created_at.toISOString()}>{fmt(u.created_at)}</time>
            <p>{u.body}</p>
          </li>
        ))}
      </ol>
    </article>
  );
}

const fmt = (d: Date | null) => d ? `${d.toISOString().slice(0, 16).replace("T", " ")} UTC` : "";

export interface PublicPageProps {
  s: PublicSnapshot;
  /** Where this page's feeds and forms live: /status/<slug> or "" on its own domain. */
  base: string;
  notice?: string;
}

export function PublicStatusPage({ s, base, notice }: PublicPageProps) {
  const names = new Map(s.components.map((c) => [c.id, c.name]));
  const past = s.incidents.filter((i) => !s.active.includes(i)).slice(0, 20);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="robots" content="noindex" />
        {/* A client's page carries no Opsdeck icon; without any, browsers ask for /favicon.ico (a 404). */}
        <link rel="icon" href="data:," />
        <title>{s.page.title}</title>
        <link rel="alternate" type="application/rss+xml" title={`${s.page.title} (RSS)`} href={`${base}/feed.rss`} />
        <link rel="alternate" type="application/atom+xml" title={`${s.page.title} (Atom)`} href={`${base}/feed.atom`} />
        <link rel="stylesheet" href="/static/vendor/pico.min.css" />
        <link rel="stylesheet" href="/static/css/status_page.css" />
      </head>
      <body>
        <main class="container status-page">
          <header class="page-head">
            {s.page.logo_url && <img src={s.page.logo_url} alt="" class="logo" />}
            <hgroup>
              <h1>{s.page.title}</h1>
              {s.page.description && <p>{s.page.description}</p>}
            </hgroup>
          </header>
          {notice && <p class="notice" role="status">{notice}</p>}
          <section class={`overall indicator-${s.status.indicator}`} aria-live="polite">
            <strong>{s.status.description}</strong>
          </section>
          {s.active.length > 0 && (
            <section>
              <h2>Current incidents and maintenance</h2>
              {s.active.map((i) => <Incident key={i.id} i={i} names={names} />)}
            </section>
          )}
          <section>
            <h2>Components</h2>
            {s.components.length === 0
              ? <p class="muted">Nothing to show yet.</p>
              : s.components.map((c) => <Component key={c.id} c={c} showLatency={s.page.show_response_times} />)}
            {/* Each swatch with its word, so a phone's line never breaks between them. */}
            <p class="legend">
              {([["ok", "up"], ["minor", "some errors"], ["down", "outage"], ["maint", "maintenance"], [
                "none",
                "no data",
              ]] as const).map(([kind, word]) => (
                <span key={kind} class="legend-item">
                  <span class={`bar ${kind}`} /> {word}
                </span>
              ))}
            </p>
          </section>
          <section>
            <h2>Past incidents</h2>
            {past.length === 0
              ? <p class="muted">No incidents in the last 90 days.</p>
              : past.map((i) => <Incident key={i.id} i={i} names={names} />)}
          </section>
          <section class="subscribe">
            <h2>Get updates</h2>
            <form method="post" action={`${base}/subscribe`}>
              <label>
                E-mail address
                <input type="email" name="email" required maxLength={254} autocomplete="email" />
              </label>
              <button type="submit">Subscribe</button>
            </form>
            <p>
              <small>
                We send a confirmation link first. Or follow the <a href={`${base}/feed.rss`}>RSS</a> or{" "}
                <a href={`${base}/feed.atom`}>Atom</a> feed, or read <a href={`${base}/api/v2/summary.json`}>JSON</a>.
              </small>
            </p>
          </section>
        </main>
      </body>
    </html>
  );
}
