/**
 * The overview's "now": the first-run checklist (ticks itself off), what is
 * down or slow, open alerts by severity, running deployments and maintenance,
 * each card linking to its list. Polled with the status panel's rhythm.
 */
import type { OverviewNow } from "../../services/home/now.ts";
import { NotifyGapList } from "../checks/_notify_gaps.tsx";
import { Time } from "../components/time.tsx";
import { liveAttrs } from "../components/live.ts";

const STEPS: { key: keyof OverviewNow["checklist"]; text: string; href: string }[] = [
  { key: "checks", text: "Add a health check", href: "/checks/new" },
  { key: "channels", text: "Add a notification channel", href: "/notifications" },
  { key: "tested", text: "Send a test notification", href: "/notifications" },
  { key: "teammates", text: "Invite a teammate", href: "/users" },
];

export function FirstRunChecklist({ checklist }: { checklist: OverviewNow["checklist"] }) {
  const done = STEPS.filter((s) => checklist[s.key]).length;
  return (
    <article class="first-run" aria-labelledby="first-run-heading">
      <div class="now-card-title">
        <h2 id="first-run-heading">Get started</h2>
        <small class="muted">{done} of {STEPS.length} done</small>
      </div>
      <ol class="checklist">
        {STEPS.map((s) => (
          <li key={s.key} class={checklist[s.key] ? "done" : undefined}>
            <span aria-hidden="true">{checklist[s.key] ? "✓" : "○"}</span>{" "}
            {checklist[s.key] ? <s>{s.text}</s> : <a href={s.href}>{s.text}</a>}
            {checklist[s.key] && <span class="visually-hidden">(done)</span>}
          </li>
        ))}
      </ol>
      {!checklist.channels && (
        <p class="notice notice-warning" role="status">
          No notification channel yet: alerts open in the inbox but nobody is told.
        </p>
      )}
    </article>
  );
}

export function NowPanel({ now }: { now: OverviewNow }) {
  const open = now.alerts.critical + now.alerts.warning + now.alerts.info;
  return (
    <section
      id="now-panel"
      hx-get="/ui/now"
      {...liveAttrs(["checks", "alerts"], 10)}
      hx-swap="outerHTML"
      aria-labelledby="now-heading"
    >
      <h2 id="now-heading" class="visually-hidden">Now</h2>
      {now.showChecklist && <FirstRunChecklist checklist={now.checklist} />}
      {now.uncovered && (
        <NotifyGapList gaps={now.uncovered.first} more={now.uncovered.count - now.uncovered.first.length} />
      )}
      <div class="now-cards">
        <article class={`now-card ${now.failing.length ? "now-bad" : "now-good"}`}>
          <div class="now-card-title">
            <a href="/checks?status=down">Down or slow</a>
          </div>
          {now.failing.length === 0 ? <p>Every check is up.</p> : (
            <ul>
              {now.failing.map((f) => (
                <li key={f.id}>
                  <span class={`badge ${f.status === "down" ? "badge-down" : "badge-degraded"}`}>{f.status}</span>{" "}
                  <a href={`/checks/${f.id}`}>{f.name}</a> <small class="muted">{f.project_name}</small>{" "}
                  {f.since && <Time at={f.since} relative />}
                </li>
              ))}
            </ul>
          )}
        </article>
        <article class={`now-card ${now.alerts.critical ? "now-bad" : ""}`}>
          <div class="now-card-title">
            <a href="/alerts">Open alerts</a>
          </div>
          <p class="now-figure">{open}</p>
          <small>
            {now.alerts.critical} critical · {now.alerts.warning} warning · {now.alerts.info} info
          </small>
        </article>
        <article class="now-card">
          <div class="now-card-title">
            <a href="/deployments">Deploying now</a>
          </div>
          {now.running.length === 0 ? <p>Nothing is deploying.</p> : (
            <ul>
              {now.running.map((d) => (
                <li key={d.id}>
                  <a href={`/deployments/${d.id}`}>{d.project_name}</a> → {d.environment}
                </li>
              ))}
            </ul>
          )}
        </article>
        <article class="now-card">
          <div class="now-card-title">
            <a href="/maintenance">In maintenance</a>
          </div>
          <p class="now-figure">{now.maintenance}</p>
          <small>window{now.maintenance === 1 ? "" : "s"} in progress</small>
        </article>
      </div>
      {now.canAddCheck && (
        <p class="quick-actions">
          <a href="/checks/new" role="button" class="outline">New check</a>{" "}
          <a href="/alerts" role="button" class="outline secondary">Alerts inbox</a>{" "}
          <a href="/deployments" role="button" class="outline secondary">Deployments</a>
        </p>
      )}
    </section>
  );
}
