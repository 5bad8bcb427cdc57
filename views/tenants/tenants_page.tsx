import { useContext } from "preact/hooks";
import type { TenantListRow } from "../../db/queries/tenants.ts";
import { CsrfField, type FieldErrors, FormField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { type IssuedLink, IssuedLinkPanel } from "../users/_invite_form.tsx";
import { shortTime } from "../users/format.ts";

export interface TenantsPageProps {
  tenants: TenantListRow[];
  nextCursor: string | null;
  issued?: IssuedLink;
  values?: { name?: string; slug?: string; admin_email?: string };
  errors?: FieldErrors;
  error?: string;
}

/** Super-admins only: every organisation on this installation, and a form to add one. */
export function TenantsPage({ tenants, nextCursor, issued, values = {}, errors, error }: TenantsPageProps) {
  const { csrfToken } = useContext(PageContext);
  return (
    <Layout title="Tenants">
      <hgroup>
        <h1>Tenants</h1>
        <p>Every organisation on this installation. Each sees only its own data.</p>
      </hgroup>
      {error && <Notice kind="error">{error}</Notice>}
      {issued && <IssuedLinkPanel link={issued} />}
      {tenants.length === 0 ? <p class="empty-state">No tenants yet.</p> : (
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col">Users</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {tenants.map((t) => (
                <tr key={t.id}>
                  <td>
                    <strong>{t.name}</strong>
                  </td>
                  <td>
                    <code>{t.slug}</code>
                  </td>
                  <td>{t.user_count}</td>
                  <td>
                    <time datetime={t.created_at.toISOString()}>{shortTime(t.created_at)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor && (
        <p>
          <a href={`/tenants?cursor=${encodeURIComponent(nextCursor)}`}>More tenants →</a>
        </p>
      )}
      <section>
        <h2>New tenant</h2>
        <p class="muted">Its first administrator is invited by e-mail address and sets their own password.</p>
        <form method="post" action="/tenants" class="tenant-form">
          <CsrfField token={csrfToken} />
          <div class="grid">
            <FormField name="name" label="Name" value={values.name} errors={errors} required maxLength={200} />
            <FormField
              name="slug"
              label="Slug"
              value={values.slug}
              errors={errors}
              required
              maxLength={64}
              placeholder="globex"
            />
          </div>
          <FormField
            name="admin_email"
            label="Administrator's e-mail"
            type="email"
            value={values.admin_email}
            errors={errors}
            required
            maxLength={320}
            autocomplete="off"
          />
          <button type="submit">Create tenant</button>
        </form>
      </section>
    </Layout>
  );
}
