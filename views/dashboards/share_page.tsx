import { Csrf } from "./_csrf.tsx";
import type { GrantRow } from "../../db/queries/dashboards.ts";
import { LEVELS } from "../../services/dashboards/schemas.ts";
import type { FieldErrors } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";

export interface SharePageProps {
  dashboardId: string;
  name: string;
  grants: GrantRow[];
  isPublic: boolean;
  /** Shown once, right after the link is made. */
  publicUrl?: string;
  errors?: FieldErrors;
  error?: string;
}

/** Grants to users (by e-mail) or roles, and the public link. */
export function SharePage({ dashboardId, name, grants, isPublic, publicUrl, errors, error }: SharePageProps) {
  const rows = [...grants.map((g) => ({ who: g.grantee, level: g.level as string })), { who: "", level: "view" }];
  return (
    <Layout title={`Share ${name}`}>
      <hgroup>
        <h1>Share</h1>
        <p>
          <a href={`/dashboards/${dashboardId}`}>{name}</a>. A client user sees only their client's data in every
          widget.
        </p>
      </hgroup>
      {error && <p class="field-error" role="alert">{error}</p>}
      <form method="post" action={`/dashboards/${dashboardId}/share`}>
        <Csrf />
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">User e-mail or role (admin, employee, client, …)</th>
                <th scope="col">Level</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  <td>
                    <input name="who" value={r.who} aria-label={`Grantee ${i + 1}`} maxLength={254} />
                    {errors?.[`grants.${i}.user_email`] && (
                      <small class="field-error">{errors[`grants.${i}.user_email`]}</small>
                    )}
                    {errors?.[`grants.${i}.role`] && <small class="field-error">{errors[`grants.${i}.role`]}</small>}
                  </td>
                  <td>
                    <select name="level" aria-label={`Level ${i + 1}`}>
                      {LEVELS.map((l) => <option key={l} value={l} selected={r.level === l}>{l}</option>)}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <button type="submit">Save sharing</button>
      </form>
      <section>
        <h2>Public link</h2>
        {publicUrl && (
          <p role="status">
            Copy this link now; it is not shown again: <code class="public-url">{publicUrl}</code>
          </p>
        )}
        <p>
          {isPublic
            ? "Anyone with the link sees the widgets (read-only, Opsdeck data only; saved queries are not shown)."
            : "No public link."}
        </p>
        <form method="post" action={`/dashboards/${dashboardId}/public-link`}>
          <Csrf />
          <fieldset>
            <legend>Viewers may change</legend>
            <label>
              <input type="checkbox" name="editable" value="range" /> Time range
            </label>
            <label>
              <input type="checkbox" name="editable" value="environment" /> Environment
            </label>
          </fieldset>
          <button type="submit">{isPublic ? "Make a new link (the old one stops)" : "Make a public link"}</button>
        </form>
        {isPublic && (
          <form method="post" action={`/dashboards/${dashboardId}/public-link/revoke`}>
            <Csrf />
            <button type="submit" class="secondary">Revoke the public link</button>
          </form>
        )}
      </section>
    </Layout>
  );
}
