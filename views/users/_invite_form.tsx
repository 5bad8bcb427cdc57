import { useContext } from "preact/hooks";
import type { ClientOption } from "../../db/queries/users.ts";
import { CsrfField, type FieldErrors, FormField, SelectField } from "../components/form_field.tsx";
import { PageContext } from "../page_context.ts";
import { shortTime } from "./format.ts";
import type { RoleOption } from "./_user_row.tsx";
import { CopyField } from "../components/copy_field.tsx";

export interface InviteValues {
  email?: string;
  name?: string;
  role?: string;
  client_id?: string;
}

/** A link just issued: shown this once (only its hash is stored). */
export interface IssuedLink {
  email: string;
  url: string;
  expiresAt: Date;
  emailSent: boolean;
}

export function IssuedLinkPanel({ link }: { link: IssuedLink }) {
  return (
    <article class="issued-link" role="status">
      <h2>{link.emailSent ? `Invitation sent to ${link.email}` : `${link.email} is invited`}</h2>
      <p>
        {link.emailSent
          ? "They will get the link by e-mail. You can also pass it on yourself: "
          : "No e-mail was sent. Copy the link and send it to them yourself: "}
        <strong>it is shown only this once</strong>, works once, and expires on {shortTime(link.expiresAt)}.
      </p>
      <label>
        Invitation link
        <CopyField value={link.url} autofocus />
      </label>
    </article>
  );
}

export interface InviteFormProps {
  roles: RoleOption[];
  clients: ClientOption[];
  values?: InviteValues;
  errors?: FieldErrors;
}

/** Invite by e-mail: a plain form (the answer is a page showing the link once). */
export function InviteForm({ roles, clients, values = {}, errors = {} }: InviteFormProps) {
  const { csrfToken } = useContext(PageContext);
  // Least privilege first: a client user when there is a client to tie them to, else an employee.
  const least = clients.length > 0 ? "client" : "employee";
  const role = values.role ?? roles.find((r) => r.builtin && r.name === least)?.id;
  return (
    <form method="post" action="/users" class="invite-form">
      <CsrfField token={csrfToken} />
      <div class="grid">
        <FormField
          name="email"
          label="E-mail"
          type="email"
          value={values.email}
          errors={errors}
          required
          maxLength={320}
          autocomplete="off"
        />
        <FormField name="name" label="Name (optional)" value={values.name} errors={errors} maxLength={200} />
      </div>
      <div class="grid">
        <SelectField name="role" label="Role" errors={errors}>
          {roles.map((r) => <option key={r.id} value={r.id} selected={r.id === role}>{r.name}</option>)}
        </SelectField>
        <SelectField name="client_id" label="Client (for client users)" errors={errors}>
          <option value="">None</option>
          {clients.map((c) => <option key={c.id} value={c.id} selected={c.id === values.client_id}>{c.name}</option>)}
        </SelectField>
      </div>
      <button type="submit">Invite</button>
    </form>
  );
}
