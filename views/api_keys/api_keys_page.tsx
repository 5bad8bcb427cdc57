import type { ApiKeyRow } from "../../db/queries/api_keys.ts";
import type { ApiKeyStatus } from "../../services/api_keys/api_keys.ts";
import type { Permission } from "../../services/auth/permissions.ts";
import type { FieldErrors } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { ApiKeyForm, type ApiKeyFormValues } from "./_form.tsx";
import { ApiKeyTableRow } from "./_row.tsx";
import { CopyField } from "../components/copy_field.tsx";

export interface ApiKeysPageProps {
  keys: { row: ApiKeyRow; status: ApiKeyStatus }[];
  nextCursor: string | null;
  timeZone: string | null;
  permissions: ReadonlySet<Permission>;
  /** The caller holds api_keys:manage and may switch to everyone's keys. */
  canManage: boolean;
  showAll: boolean;
  /** A key just created: shown this once. */
  newKey?: { name: string; key: string };
  values?: ApiKeyFormValues;
  errors?: FieldErrors;
}

export function ApiKeysPage(props: ApiKeysPageProps) {
  const { keys, nextCursor, timeZone, canManage, showAll, newKey } = props;
  return (
    <Layout title="API keys">
      <hgroup>
        <h1>API keys</h1>
        <p>
          Keys let scripts and CI use the <a href="/docs">API</a> as you: send <code>Authorization: Bearer odk_…</code>.
        </p>
      </hgroup>
      {newKey && <NewKey {...newKey} />}
      {canManage && (
        <nav class="tabs" aria-label="Whose keys">
          <a href="/api-keys" aria-current={showAll ? undefined : "page"}>Your keys</a>
          <a href="/api-keys?all=true" aria-current={showAll ? "page" : undefined}>Everyone's keys</a>
        </nav>
      )}
      <section>
        {keys.length === 0
          ? (
            <p class="empty-state">
              {showAll ? "Nobody in your organisation has an API key yet." : "You have no API keys yet."}{" "}
              Create one below when a script needs to call the API.
            </p>
          )
          : (
            <div class="table-wrap">
              <table class="striped api-keys-table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    {showAll && <th scope="col">Owner</th>}
                    <th scope="col">Scopes</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {keys.map(({ row, status }) => (
                    <ApiKeyTableRow key={row.id} apiKey={row} status={status} timeZone={timeZone} showOwner={showAll} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        {nextCursor && (
          <p>
            <a href={`/api-keys?${new URLSearchParams({ ...(showAll ? { all: "true" } : {}), cursor: nextCursor })}`}>
              Older keys →
            </a>
          </p>
        )}
      </section>
      <section>
        <h2>Create a key</h2>
        <ApiKeyForm permissions={props.permissions} values={props.values} errors={props.errors} />
      </section>
    </Layout>
  );
}

function NewKey({ name, key }: { name: string; key: string }) {
  return (
    <article class="new-key" role="status">
      <h2>Key "{name}" created</h2>
      <p>
        <strong>Copy it now: it will not be shown again.</strong>{" "}
        Only a hash is stored, so nobody, not even an administrator, can show it later.
      </p>
      <label>
        Your new key
        <CopyField value={key} class="key-value" autofocus />
      </label>
      <small class="muted">Select the whole key (Ctrl+A or ⌘A inside the box) and copy it.</small>
    </article>
  );
}
