import { useContext } from "preact/hooks";
import type { RoleRow } from "../../db/queries/roles.ts";
import { CsrfField, type FieldErrors, FormField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { PageContext } from "../page_context.ts";
import { PermissionMatrix } from "./_matrix.tsx";

export interface RoleCardProps {
  role: RoleRow;
  canManage: boolean;
  grantable: ReadonlySet<string>;
  open?: boolean;
  /** Shown after an htmx save. */
  saved?: boolean;
  /** Values just refused, so they can be corrected. */
  values?: { name?: string; description?: string; permissions?: string[] };
  errors?: FieldErrors;
  error?: string;
}

export const matrixError = (errors: FieldErrors = {}) =>
  Object.entries(errors).filter(([path]) => path.startsWith("permissions")).map(([, m]) => m).join("; ") ||
  undefined;

/** One role: a summary line, and its permission matrix (editable for custom roles). Page and htmx fragment. */
export function RoleCard({ role, canManage, grantable, open, saved, values, errors, error }: RoleCardProps) {
  const { csrfToken } = useContext(PageContext);
  const builtin = role.tenant_id === null;
  const editable = canManage && !builtin;
  const checked = new Set(values?.permissions ?? role.permissions);
  const holders = role.user_count === 1 ? "1 user" : `${role.user_count} users`;
  return (
    <article class="role-card" id={`role-${role.id}`}>
      <details open={open}>
        <summary>
          <strong>{role.name}</strong>
          {builtin && <span class="tag">built-in</span>}
          <small class="muted">
            {role.permissions.length === 1 ? "1 permission" : `${role.permissions.length} permissions`} · {holders}
          </small>
        </summary>
        {role.description && <p class="muted">{role.description}</p>}
        {saved && <Notice kind="ok">Saved.</Notice>}
        {error && <Notice kind="error">{error}</Notice>}
        {editable
          ? (
            <form
              method="post"
              action={`/roles/${role.id}`}
              hx-post={`/roles/${role.id}`}
              hx-target={`#role-${role.id}`}
              hx-swap="outerHTML"
            >
              <CsrfField token={csrfToken} />
              <div class="grid">
                <FormField
                  name="name"
                  label="Name"
                  value={values?.name ?? role.name}
                  errors={errors}
                  required
                  maxLength={64}
                />
                <FormField
                  name="description"
                  label="Description"
                  value={values?.description ?? role.description ?? ""}
                  errors={errors}
                  maxLength={500}
                />
              </div>
              <PermissionMatrix
                checked={checked}
                grantable={grantable}
                idPrefix={role.id}
                error={matrixError(errors)}
              />
              <div class="role-actions">
                <button type="submit">Save {role.name}</button>
              </div>
            </form>
          )
          : <PermissionMatrix checked={checked} disabled idPrefix={role.id} />}
        {editable && (
          <form
            method="post"
            action={`/roles/${role.id}/delete`}
            hx-post={`/roles/${role.id}/delete`}
            hx-target={`#role-${role.id}`}
            hx-swap="outerHTML"
            hx-confirm={`Delete the role "${role.name}"?`}
            class="inline-form"
          >
            <CsrfField token={csrfToken} />
            <button type="submit" class="outline secondary small" disabled={role.user_count > 0}>
              Delete role
            </button>
            {role.user_count > 0 && <small class="muted">Held by {holders}: give them another role first.</small>}
          </form>
        )}
      </details>
    </article>
  );
}
