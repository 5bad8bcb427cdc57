import { useContext } from "preact/hooks";
import type { UserDataRow } from "../../db/queries/user_sync.ts";
import { CsrfField, type FieldErrors, FormField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";

export interface UserDataPageProps {
  userId: string;
  userName: string;
  rows: UserDataRow[];
  canWrite: boolean;
  values?: { key?: string; value?: string };
  errors?: FieldErrors;
  notice?: { kind: "ok" | "error"; text: string };
}

/** /users/{id}/data: a person's `user_data` key/value pairs (seed 002), edited in place. */
export function UserDataPage(props: UserDataPageProps) {
  const { csrfToken } = useContext(PageContext);
  const base = `/users/${props.userId}/data`;
  return (
    <Layout title={`Data of ${props.userName}`}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/users">Users</a>
          </li>
        </ul>
      </nav>
      <h1>Data of {props.userName}</h1>
      {props.notice && <Notice kind={props.notice.kind}>{props.notice.text}</Notice>}
      {props.rows.length === 0 ? <p>No values stored yet.</p> : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Key</th>
                <th>Value</th>
                {props.canWrite && <th>Remove</th>}
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => (
                <tr key={r.key}>
                  <td>
                    <code>{r.key}</code>
                  </td>
                  <td>{r.value}</td>
                  {props.canWrite && (
                    <td>
                      <form method="post" action={`${base}/delete`}>
                        <CsrfField token={csrfToken} />
                        <input type="hidden" name="key" value={r.key} />
                        <button type="submit" class="secondary outline" aria-label={`Remove ${r.key}`}>Remove</button>
                      </form>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.canWrite && (
        <form method="post" action={base}>
          <h2>Set a value</h2>
          <p>A key already stored is overwritten.</p>
          <CsrfField token={csrfToken} />
          <FormField
            name="key"
            label="Key"
            value={props.values?.key}
            errors={props.errors}
            placeholder="onboarding_step"
          />
          <FormField name="value" label="Value" value={props.values?.value} errors={props.errors} />
          <button type="submit">Save</button>
        </form>
      )}
    </Layout>
  );
}
