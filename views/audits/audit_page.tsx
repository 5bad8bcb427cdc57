import type { DiffLine } from "../../services/audits/diff.ts";
import type { AuditEntry } from "../../services/audits/list.ts";
import type { AuditView } from "../../services/audits/schemas.ts";
import { Layout } from "../layouts/layout.tsx";
import { AuditDiff } from "./_diff.tsx";
import { actorText, auditsUrl, formatTime, showValue } from "./format.ts";

export interface AuditPageProps {
  audit: AuditView;
  chain: AuditEntry["chain"];
  /** null when the entry records no before/after state. */
  diff: DiffLine[] | null;
  /** details other than before/after (a failure reason, a count…). */
  extra: Record<string, unknown>;
}

/** One entry: who did what to which resource, and what changed. */
export function AuditPage({ audit, chain, diff, extra }: AuditPageProps) {
  const { actor } = audit;
  return (
    <Layout title={`${audit.action} · Audit log`}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/audits">Audit log</a>
          </li>
          <li>Entry {audit.seq}</li>
        </ul>
      </nav>
      <hgroup>
        <h1 class="audit-title">
          <code>{audit.action}</code>
        </h1>
        <p>
          {actorText(actor)} · <time datetime={audit.created_at}>{formatTime(audit.created_at)}</time>
        </p>
      </hgroup>
      <dl class="audit-facts">
        <div>
          <dt>Actor</dt>
          <dd>
            {actor.id ? <a href={auditsUrl({ actor_id: actor.id })}>{actorText(actor)}</a> : actorText(actor)}
            {actor.type && <span class="tag">{actor.type === "api_key" ? "API key" : "user"}</span>}
          </dd>
        </div>
        <div>
          <dt>Resource</dt>
          <dd>
            {audit.resource_type}
            {audit.resource_id && (
              <>
                {" "}
                <a
                  href={auditsUrl({ resource_type: audit.resource_type, resource_id: audit.resource_id })}
                  title="This resource's history"
                >
                  <code>{audit.resource_id}</code>
                </a>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>IP address</dt>
          <dd>{audit.ip ?? "—"}</dd>
        </div>
        <div>
          <dt>User agent</dt>
          <dd class="audit-ua">{audit.user_agent ?? "—"}</dd>
        </div>
        <div>
          <dt>Chain position</dt>
          <dd>
            seq {audit.seq} · hash <code title={chain.hash}>{chain.hash.slice(0, 16)}…</code>
          </dd>
        </div>
      </dl>
      <section>
        <h2>Changes</h2>
        {diff ? <AuditDiff lines={diff} /> : <p class="muted">This entry records no before/after state.</p>}
      </section>
      {Object.keys(extra).length > 0 && (
        <section>
          <h2>Details</h2>
          <dl class="audit-extra">
            {Object.entries(extra).map(([key, value]) => (
              <div key={key}>
                <dt>
                  <code>{key}</code>
                </dt>
                <dd>{showValue(value)}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
    </Layout>
  );
}
