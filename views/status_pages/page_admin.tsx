import { useContext } from "preact/hooks";
import type { IncidentRow } from "../../db/queries/incidents.ts";
import type { ComponentRow, StatusPageRow } from "../../db/queries/status_pages.ts";
import { CsrfField, FieldError, type FieldErrors, FormField, invalid } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { type PageFormValues, PageSettingsForm } from "./_page_form.tsx";

export interface PageAdminProps {
  page: StatusPageRow;
  components: ComponentRow[];
  incidents: IncidentRow[];
  checks: { id: string; name: string; project_name: string }[];
  clients: { id: string; name: string }[];
  canWrite: boolean;
  canOpenIncidents: boolean;
  values?: PageFormValues;
  errors?: FieldErrors;
  /** which form the values/errors belong to */
  form?: "settings" | "component" | "incident";
}

const when = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** One status page for its editors: settings, components (checks behind display names), incidents. */
export function PageAdmin(p: PageAdminProps) {
  const { csrfToken } = useContext(PageContext);
  const checkName = new Map(p.checks.map((c) => [c.id, `${c.project_name} · ${c.name}`]));
  const v = (form: PageAdminProps["form"]) => p.form === form ? p.values : undefined;
  const e = (form: PageAdminProps["form"]) => p.form === form ? p.errors : undefined;
  const settings: PageFormValues = v("settings") ?? {
    title: p.page.title,
    slug: p.page.slug,
    client_id: p.page.client_id ?? "",
    description: p.page.description ?? "",
    logo_url: p.page.logo_url ?? "",
    custom_domain: p.page.custom_domain ?? "",
    published: p.page.published ? "on" : "off",
    show_maintenance: p.page.show_maintenance ? "on" : "off",
    show_response_times: p.page.show_response_times ? "on" : "off",
  };
  return (
    <Layout title={p.page.title}>
      <hgroup>
        <h1>{p.page.title}</h1>
        <p>
          <a href={`/status/${p.page.slug}`}>Public page /status/{p.page.slug}</a>
          {p.page.published ? "" : " (not published: 404 for everyone)"} · <a href="/status-pages">All status pages</a>
        </p>
      </hgroup>

      <section>
        <h2>Components</h2>
        {p.components.length === 0 ? <p class="empty-state">No components yet.</p> : (
          <div class="table-wrap">
            <table class="striped">
              <thead>
                <tr>
                  <th scope="col">Shown as</th>
                  <th scope="col">Checks behind it (never public)</th>
                  {p.canWrite && (
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {p.components.map((c) => (
                  <tr key={c.id}>
                    <td>{c.name}</td>
                    <td>{c.check_ids.map((id) => checkName.get(id) ?? "a check").join(", ")}</td>
                    {p.canWrite && (
                      <td>
                        <form method="post" action={`/status-pages/${p.page.id}/components/${c.id}/delete`}>
                          <CsrfField token={csrfToken} />
                          <button type="submit" class="secondary outline">Remove</button>
                        </form>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {p.canWrite && (
          <details open={p.form === "component"}>
            <summary>Add a component</summary>
            <form method="post" action={`/status-pages/${p.page.id}/components`}>
              <CsrfField token={csrfToken} />
              <FormField
                name="name"
                label="Display name"
                value={v("component")?.name}
                errors={e("component")}
                required
                maxLength={200}
              />
              <label>
                Checks (one, or several shown as one)
                <select name="check_ids" multiple size={6} {...invalid("check_ids", e("component"))}>
                  {p.checks.map((c) => <option key={c.id} value={c.id}>{c.project_name} · {c.name}</option>)}
                </select>
                <FieldError name="check_ids" errors={e("component")} />
              </label>
              <button type="submit">Add component</button>
            </form>
          </details>
        )}
      </section>

      <section>
        <h2>Incidents and maintenance</h2>
        {p.incidents.length === 0 ? <p class="empty-state">No incidents.</p> : (
          <ul>
            {p.incidents.map((i) => (
              <li key={i.id}>
                <a href={`/incidents/${i.id}`}>{i.title}</a> · {i.kind} · {i.status} · {when(i.started_at)}
              </li>
            ))}
          </ul>
        )}
        {p.canOpenIncidents && (
          <details open={p.form === "incident"}>
            <summary>Open an incident or announce maintenance</summary>
            <form method="post" action={`/status-pages/${p.page.id}/incidents`}>
              <CsrfField token={csrfToken} />
              <div class="grid">
                <label>
                  Kind
                  <select name="kind">
                    <option value="incident">Incident</option>
                    <option value="maintenance" selected={v("incident")?.kind === "maintenance"}>Maintenance</option>
                  </select>
                </label>
                <label>
                  Impact
                  <select name="impact">
                    {["minor", "major", "critical", "none"].map((x) => (
                      <option key={x} value={x} selected={v("incident")?.impact === x}>{x}</option>
                    ))}
                  </select>
                </label>
              </div>
              <FormField name="title" label="Title (public)" value={v("incident")?.title} errors={e("incident")} />
              <label>
                Message (public)
                <textarea name="message" rows={3} {...invalid("message", e("incident"))}>
                  {v("incident")?.message}
                </textarea>
                <FieldError name="message" errors={e("incident")} />
              </label>
              <fieldset>
                <legend>Affected components</legend>
                {p.components.map((c) => (
                  <label key={c.id}>
                    <input type="checkbox" name="component_ids" value={c.id} /> {c.name}
                  </label>
                ))}
              </fieldset>
              <div class="grid">
                <FormField
                  name="scheduled_for"
                  type="datetime-local"
                  label="Maintenance from (UTC)"
                  value={v("incident")?.scheduled_for}
                  errors={e("incident")}
                />
                <FormField
                  name="scheduled_until"
                  type="datetime-local"
                  label="Maintenance until (UTC)"
                  value={v("incident")?.scheduled_until}
                  errors={e("incident")}
                />
              </div>
              <button type="submit">Publish</button>
            </form>
          </details>
        )}
      </section>

      {p.canWrite && (
        <section>
          <h2>Settings</h2>
          <PageSettingsForm
            action={`/status-pages/${p.page.id}`}
            clients={p.clients}
            values={settings}
            errors={e("settings")}
            submit="Save settings"
          />
        </section>
      )}
    </Layout>
  );
}
