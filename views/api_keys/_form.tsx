import { useContext } from "preact/hooks";
import { ACTIONS, type Permission, RESOURCES } from "../../services/auth/permissions.ts";
import { CsrfField, type FieldErrors, FormField } from "../components/form_field.tsx";
import { PermissionGrid } from "../components/permission_grid.tsx";
import { PageContext } from "../page_context.ts";

export interface ApiKeyFormValues {
  name?: string;
  expires_at?: string;
  scopes?: string[];
}

export interface ApiKeyFormProps {
  /** Only these can be ticked: a key never gets more than its creator has. */
  permissions: ReadonlySet<Permission>;
  values?: ApiKeyFormValues;
  errors?: FieldErrors;
}

/** The create form: name, optional expiry, and a resource × action grid of the creator's own permissions. */
export function ApiKeyForm({ permissions, values = {}, errors = {} }: ApiKeyFormProps) {
  const { csrfToken } = useContext(PageContext);
  const resources = RESOURCES.filter((r) => ACTIONS.some((a) => permissions.has(`${r}:${a}`)));
  const ticked = new Set(values.scopes ?? []);
  const scopeErrors = Object.entries(errors).filter(([path]) => path.startsWith("scopes")).map(([, m]) => m);
  return (
    <form method="post" action="/api-keys" class="api-key-form">
      <CsrfField token={csrfToken} />
      <div class="grid">
        <FormField name="name" label="Name" value={values.name} errors={errors} required maxLength={200} />
        <FormField
          name="expires_at"
          label="Expires on (end of day, UTC; optional)"
          type="date"
          value={values.expires_at}
          errors={errors}
        />
      </div>
      <fieldset aria-invalid={scopeErrors.length ? "true" : undefined} aria-describedby="scopes-help">
        <legend>Scopes</legend>
        <p id="scopes-help" class="muted">
          Tick none to let the key do everything you can do. Only your own permissions are offered.
        </p>
        <div class="scope-grid-wrap">
          <PermissionGrid
            resources={resources}
            cell={(r, a) => {
              const scope: Permission = `${r}:${a}`;
              return (
                <td key={a}>
                  {permissions.has(scope) && (
                    <input type="checkbox" name="scopes" value={scope} checked={ticked.has(scope)} aria-label={scope} />
                  )}
                </td>
              );
            }}
          />
        </div>
        {scopeErrors.map((m) => <small key={m} class="field-error">{m}</small>)}
      </fieldset>
      <button type="submit">Create key</button>
    </form>
  );
}
