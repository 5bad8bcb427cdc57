import type { AppError } from "../../services/platform/errors.ts";
import { Layout } from "../layouts/layout.tsx";

export function ErrorPage({ error, requestId }: { error: AppError; requestId?: string }) {
  return (
    <Layout title={error.title}>
      <article class="error-panel" role="alert">
        <h1>{error.status} · {error.title}</h1>
        <p>{error.message}</p>
        {error.errors && (
          <ul>
            {error.errors.map((e) => (
              <li key={e.path}>
                <code>{e.path || "body"}</code>: {e.message}
              </li>
            ))}
          </ul>
        )}
        {requestId && (
          <p class="muted">
            Request id: <code>{requestId}</code>
          </p>
        )}
        <p>
          <a href="/">Back to the dashboard</a>
        </p>
      </article>
    </Layout>
  );
}
