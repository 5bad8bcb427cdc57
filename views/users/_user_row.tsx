import { useContext } from "preact/hooks";
import type { ClientOption, UserRow } from "../../db/queries/users.ts";
import { CsrfField } from "../components/form_field.tsx";
import { RowActionForm } from "../components/row_action_form.tsx";
import { PageContext } from "../page_context.ts";
import { shortTime, STATUS_BADGE } from "./format.ts";

export interface RoleOption {
  id: string;
  name: string;
  builtin: boolean;
}

export interface UserRowProps {
  user: UserRow;
  /** Roles the viewer may give; empty when they may not change this user. */
  roles: RoleOption[];
  clients: ClientOption[];
  canManage: boolean;
  /** What was just attempted and refused, shown in place so it can be corrected. */
  draft?: { role?: string; client_id?: string };
  error?: string;
}

/** One user; rendered in the table and alone as the answer to its htmx role and status changes. */
export function UserTableRow({ user: u, roles, clients, canManage, draft, error }: UserRowProps) {
  const { principal, csrfToken } = useContext(PageContext);
  const self = principal?.userId === u.id;
  const editable = canManage && !self && (!u.super_admin || principal?.superAdmin === true) &&
    roles.some((r) => r.id === u.role_id);
  const client = clients.find((c) => c.id === u.client_id);
  const label = u.name ?? u.email;
  return (
    <tr id={`user-${u.id}`}>
      <td>
        <strong>{u.name ?? <span class="muted">(no name yet)</span>}</strong>
        {self && <span class="tag">you</span>}
        {u.super_admin && <span class="tag">super-admin</span>}
        <br />
        <small class="muted">{u.email}</small>
      </td>
      <td>
        {editable
          ? (
            <RoleForm
              user={u}
              roles={roles}
              clients={clients}
              draft={draft}
              csrfToken={csrfToken}
              label={label}
            />
          )
          : (
            <>
              {u.role_name}
              {client && <small class="muted">· {client.name}</small>}
            </>
          )}
        {error && <small class="field-error" role="alert">{error}</small>}
      </td>
      <td>
        <span class={`badge ${STATUS_BADGE[u.status]}`}>{u.status}</span>
      </td>
      <td>
        {u.last_login_at
          ? <time datetime={u.last_login_at.toISOString()}>{shortTime(u.last_login_at)}</time>
          : <span class="muted">never</span>}
      </td>
      <td class="user-actions">
        <a href={`/users/${u.id}/data`} class="small" aria-label={`Data of ${label}`}>Data</a>
        {editable && <StatusActions user={u} csrfToken={csrfToken} label={label} />}
      </td>
    </tr>
  );
}

function RoleForm(
  { user: u, roles, clients, draft, csrfToken, label }: {
    user: UserRow;
    roles: RoleOption[];
    clients: ClientOption[];
    draft?: { role?: string; client_id?: string };
    csrfToken?: string;
    label: string;
  },
) {
  const roleId = draft?.role ?? u.role_id;
  const chosen = roles.find((r) => r.id === roleId);
  // The client picker shows when the role in the form is the client role or the user already has a client.
  const showClient = (chosen?.builtin && chosen.name === "client") || (!chosen?.builtin && u.client_id);
  const clientId = draft?.client_id ?? u.client_id ?? "";
  return (
    <form
      method="post"
      action={`/users/${u.id}/role`}
      hx-post={`/users/${u.id}/role`}
      hx-trigger="change"
      hx-target="closest tr"
      hx-swap="outerHTML"
      class="inline-form role-form"
    >
      <CsrfField token={csrfToken} />
      <select name="role" aria-label={`Role of ${label}`}>
        {roles.map((r) => <option key={r.id} value={r.id} selected={r.id === roleId}>{r.name}</option>)}
      </select>
      {showClient && (
        <select name="client_id" aria-label={`Client of ${label}`}>
          <option value="" selected={!clientId}>Choose a client…</option>
          {clients.map((c) => <option key={c.id} value={c.id} selected={c.id === clientId}>{c.name}</option>)}
        </select>
      )}
      <noscript>
        <button type="submit" class="outline small">Save</button>
      </noscript>
    </form>
  );
}

function StatusActions({ user: u, csrfToken, label }: { user: UserRow; csrfToken?: string; label: string }) {
  const action = (status: string, text: string, confirm?: string, className = "outline secondary small") => (
    <RowActionForm action={`/users/${u.id}/status`} confirm={confirm}>
      <input type="hidden" name="status" value={status} />
      <button type="submit" class={className}>{text}</button>
    </RowActionForm>
  );
  if (u.status === "active") {
    return action("suspended", "Suspend", `Suspend ${label}? Their sessions and API keys stop working at once.`);
  }
  if (u.status === "invited") {
    return (
      <>
        <form method="post" action={`/users/${u.id}/invitation`} class="inline-form">
          <CsrfField token={csrfToken} />
          <button type="submit" class="outline small">New link</button>
        </form>
        {action("inactive", "Withdraw", `Withdraw the invitation of ${label}?`)}
      </>
    );
  }
  return action("active", "Reactivate", undefined, "outline small");
}
