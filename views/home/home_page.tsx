import { Layout } from "../layouts/layout.tsx";
import type { SystemStatus } from "../../services/system/status.ts";
import { StatusPanel } from "./_status_panel.tsx";
import { NowPanel } from "./_now_panel.tsx";
import type { OverviewNow } from "../../services/home/now.ts";
import { type BrokenChannel, BrokenChannelsNotice } from "../notifications/deliveries_broken_notice.tsx";
import { OverviewInsights } from "../insights/_overview_panel.tsx";

const AREAS = [
  {
    name: "Clients & projects",
    text: "Every client, its projects, environments, statements of work and change requests.",
  },
  { name: "Deployments", text: "What shipped where and when, from CI and GitHub, with delivery metrics." },
  { name: "Health checks", text: "HTTP, TCP and heartbeat checks with uptime, latency and a live status board." },
  { name: "Alerts", text: "Rules, acknowledgements and notifications to Slack, e-mail and signed webhooks." },
  { name: "Audit", text: "A tamper-evident trail of every change, login and key." },
];

/** brokenChannels: shown to those who can fix channels (empty for everyone else), so a dead channel is not missed. */
export function HomePage({ status, brokenChannels, now }: {
  status: SystemStatus;
  brokenChannels: BrokenChannel[];
  now: OverviewNow;
}) {
  return (
    <Layout title="Overview">
      <hgroup>
        <h1>Overview</h1>
        <p>Operations for every client project, in one place.</p>
      </hgroup>
      <BrokenChannelsNotice channels={brokenChannels} />
      <NowPanel now={now} />
      <OverviewInsights />
      <StatusPanel status={status} />
      <section>
        <h2>What Opsdeck tracks</h2>
        <div class="cards">
          {AREAS.map((area) => (
            <article key={area.name} class="card">
              <h3>{area.name}</h3>
              <p>{area.text}</p>
            </article>
          ))}
        </div>
      </section>
      <section>
        <h2>For scripts and CI</h2>
        <p>
          Everything in the pages is in the JSON API under <code>/api/v1</code>. Read the{" "}
          <a href="/docs">API reference</a> or fetch the <a href="/openapi.json">OpenAPI document</a>.
        </p>
      </section>
    </Layout>
  );
}
