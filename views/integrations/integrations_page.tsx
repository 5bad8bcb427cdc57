import { useContext } from "preact/hooks";
import type { IntegrationView, ProviderChoice } from "../../services/integrations/integrations.ts";
import { CsrfField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { shortTime } from "../users/format.ts";

export interface IntegrationsPageProps {
  integrations: IntegrationView[];
  providers: ProviderChoice[];
  canManage: boolean;
  notice?: { kind: "ok" | "error"; text: string };
}

const STATUS_BADGE: Record<IntegrationView["status"], string> = {
  connected: "badge-up",
  broken: "badge-down",
  disconnected: "badge-inactive",
};

const when = (d: Date | null) => d ? <time datetime={d.toISOString()}>{shortTime(d)}</time> : "never";

type Team = { id: string; key: string; name: string };

function LinearSettings({ i }: { i: IntegrationView }) {
  const { csrfToken } = useContext(PageContext);
  const teams = (i.metadata.teams ?? []) as Team[];
  return (
    <form method="post" action={`/integrations/${i.id}`}>
      <CsrfField token={csrfToken} />
      <label>
        Team for alert issues
        <select name="team_id">
          {teams.map((t) => (
            <option key={t.id} value={t.id} selected={t.id === i.metadata.team_id}>{t.key} · {t.name}</option>
          ))}
        </select>
      </label>
      <label>
        <input type="checkbox" name="close_on_resolve" value="true" checked={i.metadata.close_on_resolve === true} />
        Resolving an alert moves its issue to done
      </label>
      <button type="submit" class="secondary">Save</button>
    </form>
  );
}

/** /integrations: each connection's status, last sync and last error; connect, reconnect, disconnect. */
export function IntegrationsPage({ integrations, providers, canManage, notice }: IntegrationsPageProps) {
  const { csrfToken } = useContext(PageContext);
  return (
    <Layout title="Integrations">
      <h1>Integrations</h1>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      {integrations.length === 0 ? <p class="muted">Nothing is connected yet.</p> : (
        <div class="table-scroll">
          {/* Nothing in it takes focus, and on a phone it scrolls sideways: focusable, so a keyboard can scroll it. */}
          <table tabIndex={0} aria-label="Connections">
            <thead>
              <tr>
                <th scope="col">Connection</th>
                <th scope="col">Status</th>
                <th scope="col">Last sync</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {integrations.map((i) => (
                <tr key={i.id} id={`integration-${i.id}`}>
                  <td>
                    <strong>{providers.find((p) => p.platform === i.platform)?.label ?? i.platform}</strong>{" "}
                    {i.account_name ?? i.account_id}
                    {i.platform === "github" && i.status === "connected" && (
                      <>
                        {" "}
                        <a href={`/integrations/${i.id}/repositories`}>Repositories</a>
                      </>
                    )}
                  </td>
                  <td>
                    <span class={`badge ${STATUS_BADGE[i.status]}`}>{i.status}</span>
                  </td>
                  <td>{when(i.last_sync_at)}</td>
                  <td>{i.last_error ?? <span class="muted">none</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canManage && integrations.filter((i) => i.status !== "disconnected").map((i) => (
        <details key={i.id}>
          <summary>{i.account_name ?? i.account_id}: settings</summary>
          {i.platform === "linear" && i.status === "connected" && <LinearSettings i={i} />}
          {i.platform === "slack" && (
            <p>
              Slack channels can post as this workspace:{" "}
              <a href="/notifications?type=slack#add-channel">add one under Notifications</a>.
            </p>
          )}
          {i.platform === "linear" && (
            <p>
              <a href={`/integrations/${i.id}/alert-rules`}>Alert rules that file issues by themselves</a>
            </p>
          )}
          <form method="post" action={`/integrations/${i.id}/disconnect`}>
            <CsrfField token={csrfToken} />
            <button type="submit" class="secondary">Disconnect {i.account_name ?? ""}</button>
          </form>
        </details>
      ))}
      {canManage && (
        <section>
          <h2>Connect</h2>
          <div class="integration-connect">
            {providers.map((p) =>
              p.configured
                ? (
                  <form key={p.platform} method="post" action={`/integrations/${p.platform}/connect`}>
                    <CsrfField token={csrfToken} />
                    <button type="submit">Connect {p.label}</button>
                  </form>
                )
                : (
                  <p key={p.platform} class="muted">
                    {p.label}: not set up in this deployment (docs/integrations.md)
                  </p>
                )
            )}
          </div>
          {providers.some((p) => p.platform === "slack" && p.configured) && (
            <p class="muted">Connect Slack again to install the app into another workspace.</p>
          )}
        </section>
      )}
    </Layout>
  );
}
