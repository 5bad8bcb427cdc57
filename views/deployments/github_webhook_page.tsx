import { useContext } from "preact/hooks";
import type { WebhookStatus } from "../../services/github/secret.ts";
import { CsrfField } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { shortTime } from "../users/format.ts";
import { CopyButton } from "../components/copy_field.tsx";

/** /deployments/github (admins): where to point GitHub, and the signing secret, shown once when generated. */
export function GithubWebhookPage({ status, secret }: { status: WebhookStatus; secret?: string }) {
  const { csrfToken } = useContext(PageContext);
  return (
    <Layout title="GitHub webhook">
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/deployments">Deployments</a>
          </li>
          <li>GitHub webhook</li>
        </ul>
      </nav>
      <h1>GitHub webhook</h1>
      <p>
        GitHub deployments and their statuses show up here when a repository (or your organisation) sends its{" "}
        <em>Deployments</em> and <em>Deployment statuses</em>{" "}
        events to Opsdeck. A deployment lands on the project whose repository URL is the repository's.
      </p>
      {secret && (
        <article class="new-key" role="status">
          <p>
            <strong>Copy the secret now:</strong> it is not shown again.
          </p>
          <p class="key-value">{secret}</p>
        </article>
      )}
      <ol>
        <li>
          In GitHub: <em>Settings → Webhooks → Add webhook</em>.
        </li>
        <li>
          Payload URL: <code>{status.payload_url}</code> <CopyButton text={status.payload_url} />
        </li>
        <li>
          Content type: <code>application/json</code>; Secret: the secret generated here.
        </li>
        <li>
          Events: <em>Deployments</em> and <em>Deployment statuses</em>.
        </li>
      </ol>
      <p>
        {status.configured
          ? (
            <>
              A secret is set (since{" "}
              {status.updated_at ? shortTime(new Date(status.updated_at)) : "—"}). Generating a new one stops the old
              one at once.
            </>
          )
          : "No secret yet: deliveries are refused until you generate one."}
      </p>
      <form method="post" action="/deployments/github/secret" class="inline-form">
        <CsrfField token={csrfToken} />
        <button type="submit" class={status.configured ? "secondary" : undefined}>
          {status.configured ? "Generate a new secret" : "Generate the secret"}
        </button>
      </form>
    </Layout>
  );
}
