import { useContext } from "preact/hooks";
import type { ClientOption, UserRow } from "../../db/queries/users.ts";
import { PageContext } from "../page_context.ts";
import type { FieldErrors } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { InviteForm, type InviteValues, type IssuedLink, IssuedLinkPanel } from "./_invite_form.tsx";
import { type RoleOption, UserTableRow } from "./_user_row.tsx";

const FILTERS = [
  ["", "Everyone"],
  ["active", "Active"],
  ["invited", "Invited"],
  ["suspended", "Suspended"],
  ["inactive", "Inactive"],
] as const;

export interface UsersPageProps {
  users: UserRow[];
  nextCursor: string | null;
  status?: string;
  /** Roles the viewer may give (all of them for an admin). */
  roles: RoleOption[];
  clients: ClientOption[];
  canManage: boolean;
  issued?: IssuedLink;
  values?: InviteValues;
  errors?: FieldErrors;
  /** A refused row action, for browsers without JavaScript. */
  error?: string;
}

export function UsersPage(props: UsersPageProps) {
  const { users, nextCursor, status, roles, clients, canManage, issued } = props;
  const { principal } = useContext(PageContext);
  return (
    <Layout title="Users">
      <hgroup>
        <h1>Users</h1>
        <p>
          Who can sign in to your organisation, with which role.
          {principal?.superAdmin && (
            <>
              {" "}Other organisations: <a href="/tenants">tenants</a>.
            </>
          )}
        </p>
      </hgroup>
      {props.error && <Notice kind="error">{props.error}</Notice>}
      {issued && <IssuedLinkPanel link={issued} />}
      <nav class="tabs" aria-label="Filter by status">
        {FILTERS.map(([value, label]) => (
          <a
            key={value}
            href={value ? `/users?status=${value}` : "/users"}
            aria-current={(status ?? "") === value ? "page" : undefined}
          >
            {label}
          </a>
        ))}
      </nav>
      {users.length === 0
        ? (
          <p class="empty-state">
            {status ? `No ${status} users.` : "Nobody here yet."}
            {canManage && " Invite someone below."}
          </p>
        )
        : (
          <div class="table-wrap">
            <table class="striped users-table">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last sign-in</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody id="user-rows">
                {users.map((u) => (
                  <UserTableRow key={u.id} user={u} roles={roles} clients={clients} canManage={canManage} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      {nextCursor && (
        <p>
          <a href={`/users?${new URLSearchParams({ ...(status ? { status } : {}), cursor: nextCursor })}`}>
            More users →
          </a>
        </p>
      )}
      {canManage && (
        <section>
          <h2>Invite someone</h2>
          <InviteForm roles={roles} clients={clients} values={props.values} errors={props.errors} />
        </section>
      )}
    </Layout>
  );
}
