/**
 * /checks/{id}: state, uptime figures, the latency chart over a chosen range,
 * what to do (pause, resume, run now, edit, delete), heartbeat instructions,
 * and the result history.
 */
import type { HealthCheckRow } from "../../db/queries/health_checks.ts";
import type { ResultItem, SeriesPoint } from "../../services/checks/history.ts";
import type { Uptime } from "../../services/checks/schemas.ts";
import type { NotifyGap } from "../../services/notifications/coverage.ts";
import { RANGE_STEPS } from "../../services/checks/view_model.ts";
import { Time } from "../components/time.tsx";
import { Layout } from "../layouts/layout.tsx";
import { CheckLive } from "./_check_live.tsx";
import { ResultRows } from "./_results.tsx";
import { formatLatency, formatSeconds } from "./format.ts";
import { type ChartMarker, LatencyChart } from "./latency_chart.tsx";
import { CopyField } from "../components/copy_field.tsx";

export interface CheckPageProps {
  check: HealthCheckRow;
  uptime: Uptime;
  range: string;
  chart: {
    points: SeriesPoint[];
    from: Date;
    to: Date;
    deployments: ChartMarker[];
    maintenance: { start: Date; end: Date }[];
    young: boolean;
  };
  beats: ResultItem[];
  results: { data: ResultItem[]; moreUrl: string | null; pageUrl: string | null };
  parent: { id: string; name: string } | null;
  canWrite: boolean;
  canDelete: boolean;
  /** Just created or rotated: the ping URL, shown this once. */
  pingUrl?: string;
  /** Where ping URLs point (OPSDECK_BASE_URL or this server). */
  origin: string;
  /** A refusal of one of the page's actions. */
  error?: string;
  /** Why its going down would reach nobody (for readers who see the wiring). */
  gap?: NotifyGap;
  now: Date;
}

function HeartbeatHelp({ check, pingUrl, origin }: { check: HealthCheckRow; pingUrl?: string; origin: string }) {
  const url = pingUrl ?? `${origin}/api/v1/heartbeats/<token>`;
  return (
    <section class="heartbeat-help">
      <h2>Pinging this check</h2>
      {pingUrl
        ? (
          <article class="issued-link" role="status">
            <p>
              <strong>Copy the ping URL now: it is shown only this once</strong>{" "}
              (only its hash is stored). Lost it? Get a new one with “New ping URL”.
            </p>
            <CopyField value={pingUrl} label="Ping URL" />
          </article>
        )
        : (
          <p class="muted">
            The ping URL was shown when the check was created. Lost it? “New ping URL” makes a new one (the old one
            stops working).
          </p>
        )}
      <p>
        Call it when the job succeeds; add <code>/start</code> when it begins (to measure its duration) and{" "}
        <code>/fail</code>{" "}
        when it fails. GET, HEAD and POST all work; a POST body (first 10 KB) is kept with the result. It is {check.cron
          ? `expected at ${check.cron} (${check.timezone})`
          : `expected every ${formatSeconds(check.interval_seconds)}`}
        {check.grace_seconds ? `, with ${formatSeconds(check.grace_seconds)} of grace` : ""}.
      </p>
      <pre><code>{`# at the end of a cron job
0 3 * * * /usr/local/bin/backup.sh && curl -fsS -m 10 --retry 5 ${url}

# with start, duration and failure reporting
curl -fsS -m 10 ${url}/start
if /usr/local/bin/backup.sh > /tmp/backup.log 2>&1; then
  curl -fsS -m 10 --data-binary @/tmp/backup.log ${url}
else
  curl -fsS -m 10 --data-binary @/tmp/backup.log ${url}/fail
fi`}</code></pre>
    </section>
  );
}

export function CheckPage(props: CheckPageProps) {
  const {
    check: c,
    uptime,
    range,
    chart,
    beats,
    results,
    parent,
    canWrite,
    canDelete,
    pingUrl,
    origin,
    error,
    gap,
    now,
  } = props;
  const base = `/checks/${c.id}`;
  return (
    <Layout title={c.name}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/checks">Checks</a>
          </li>
          <li>
            <a href={`/projects/${c.project_id}`}>{c.project_name}</a>
          </li>
          <li>{c.name}</li>
        </ul>
      </nav>
      <CheckLive
        check={c}
        uptime={uptime}
        beats={beats}
        gap={gap}
        error={error}
        canWrite={canWrite}
        canDelete={canDelete}
        now={now}
      />
      {c.type === "heartbeat" && <HeartbeatHelp check={c} pingUrl={pingUrl} origin={origin} />}

      <section>
        <div class="page-head">
          <h2>{c.type === "heartbeat" ? "Run duration" : "Latency"}</h2>
          <nav class="range-picker" aria-label="Range">
            {Object.keys(RANGE_STEPS).map((r) => (
              <a key={r} href={`${base}?range=${r}`} aria-current={r === range ? "true" : undefined}>{r}</a>
            ))}
          </nav>
        </div>
        {chart.points.some((p) => p.count > 0)
          ? (
            <>
              <LatencyChart {...chart} />
              <p class="chart-legend muted">
                <span class="legend-avg">average</span> <span class="legend-p95">p95</span>{" "}
                <span class="legend-down">failures</span> <span class="legend-deploy">deployments</span>{" "}
                <span class="legend-band">maintenance</span>
                {chart.young && (
                  <>
                    {" · "}since its first result, <Time at={chart.from} />: younger than {range}
                  </>
                )}
              </p>
            </>
          )
          : <p class="empty-state">No results in this range yet.</p>}
      </section>

      <section>
        <h2>Settings</h2>
        <dl class="check-settings">
          <dt>Project</dt>
          <dd>
            <a href={`/projects/${c.project_id}`}>{c.client_name} / {c.project_name}</a>
          </dd>
          <dt>Environment</dt>
          <dd>{c.environment_name ?? <span class="muted">None</span>}</dd>
          <dt>{c.type === "heartbeat" ? "Period" : "Interval"}</dt>
          <dd>{c.cron ? `cron ${c.cron} (${c.timezone})` : formatSeconds(c.interval_seconds)}</dd>
          {c.type !== "heartbeat" && (
            <>
              <dt>Timeout</dt>
              <dd>
                {formatLatency(c.timeout_ms)}, down after {c.confirmations} failure{c.confirmations === 1 ? "" : "s"}
              </dd>
            </>
          )}
          {c.degraded_latency_ms !== null && (
            <>
              <dt>Degraded above</dt>
              <dd>{formatLatency(c.degraded_latency_ms)}</dd>
            </>
          )}
          {c.type === "http" && (
            <>
              <dt>Up when</dt>
              <dd>
                status {c.expected_status.join(", ")}
                {c.keyword && ` and “${c.keyword}” ${c.keyword_invert ? "absent" : "in the body"}`}
                {c.json_path && ` and ${c.json_path} = “${c.json_expected}”`}
              </dd>
              <dt>Certificate</dt>
              <dd>
                {c.cert_expires_at ? `expires ${c.cert_expires_at.toISOString().slice(0, 10)}` : "not seen yet"}; warn
                {" "}
                {c.cert_expiry_days} days ahead{c.verify_tls ? "" : " (not verified)"}
              </dd>
            </>
          )}
          <dt>Depends on</dt>
          <dd>{parent ? <a href={`/checks/${parent.id}`}>{parent.name}</a> : "nothing"}</dd>
          <dt>Next {c.type === "heartbeat" ? "deadline" : "run"}</dt>
          <dd>
            {c.paused ? "paused" : (
              <time datetime={c.next_run_at.toISOString()}>
                {c.next_run_at.toISOString().replace("T", " ").slice(0, 19)} UTC
              </time>
            )}
          </dd>
        </dl>
      </section>

      <section>
        <h2>History</h2>
        {results.data.length === 0 ? <p class="empty-state">No results yet.</p> : (
          <div class="table-wrap">
            <table class="striped results-table">
              <thead>
                <tr>
                  <th scope="col">Checked (UTC)</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="numeric">Latency</th>
                  <th scope="col" class="numeric">Code</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                <ResultRows results={results.data} moreUrl={results.moreUrl} pageUrl={results.pageUrl} />
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>
  );
}
