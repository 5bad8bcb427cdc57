import { useContext } from "preact/hooks";
import type { RoleRow } from "../../db/queries/roles.ts";
import { CsrfField, type FieldErrors, FormField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { PermissionMatrix } from "./_matrix.tsx";
import { matrixError, RoleCard } from "./_role_card.tsx";

export interface RolesPageProps {
  roles: RoleRow[];
  nextCursor: string | null;
  canManage: boolean;
  grantable: ReadonlySet<string>;
  /** The role just created or saved, opened. */
  openId?: string;
  values?: { name?: string; description?: string; permissions?: string[] };
  errors?: FieldErrors;
  error?: string;
}

export function RolesPage(props: RolesPageProps) {
  const { roles, nextCursor, canManage, grantable, openId } = props;
  const custom = roles.filter((r) => r.tenant_id !== null);
  return (
    <Layout title="Roles">
      <hgroup>
        <h1>Roles</h1>
        <p>What each role may do. Built-in roles are the same everywhere; custom roles are your organisation's own.</p>
      </hgroup>
      {props.error && <Notice kind="error">{props.error}</Notice>}
      <section>
        {roles.map((r) => (
          <RoleCard key={r.id} role={r} canManage={canManage} grantable={grantable} open={r.id === openId} />
        ))}
        {custom.length === 0 && (
          <p class="empty-state">
            No custom roles yet.{canManage && " Create one below when the built-in roles do not fit."}
          </p>
        )}
        {nextCursor && (
          <p>
            <a href={`/roles?cursor=${encodeURIComponent(nextCursor)}`}>More roles →</a>
          </p>
        )}
      </section>
      {canManage && <NewRoleForm grantable={grantable} values={props.values} errors={props.errors} />}
    </Layout>
  );
}

function NewRoleForm(
  { grantable, values = {}, errors }: Pick<RolesPageProps, "grantable" | "values" | "errors">,
) {
  const { csrfToken } = useContext(PageContext);
  return (
    <section>
      <h2>New role</h2>
      <form method="post" action="/roles" class="role-form-new">
        <CsrfField token={csrfToken} />
        <div class="grid">
          <FormField name="name" label="Name" value={values.name} errors={errors} required maxLength={64} />
          <FormField
            name="description"
            label="Description (optional)"
            value={values.description}
            errors={errors}
            maxLength={500}
          />
        </div>
        <PermissionMatrix
          checked={new Set(values.permissions ?? [])}
          grantable={grantable}
          idPrefix="new"
          error={matrixError(errors)}
        />
        <button type="submit">Create role</button>
      </form>
    </section>
  );
}
