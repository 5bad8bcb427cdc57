import { useContext } from "preact/hooks";
import { CsrfField, type FieldErrors, FormField } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";

export type AcceptPageProps =
  | { state: "form"; token: string; email: string; organization: string; name?: string | null; errors?: FieldErrors }
  | { state: "unusable"; title: string; message: string };

/** Set a password for an invited account; or why the link cannot be used. */
export function AcceptPage(props: AcceptPageProps) {
  const { csrfToken } = useContext(PageContext);
  if (props.state === "unusable") {
    return (
      <Layout title="Invitation">
        <article class="auth-card people-accept" role="alert">
          <h1>{props.title}</h1>
          <p>{props.message}</p>
          <p>
            <a href="/login">Go to sign-in</a>
          </p>
        </article>
      </Layout>
    );
  }
  return (
    <Layout title="Accept invitation">
      <article class="auth-card people-accept">
        <hgroup>
          <h1>Join {props.organization}</h1>
          <p>
            Choose a password for <strong>{props.email}</strong>.
          </p>
        </hgroup>
        <form method="post" action="/invitations/accept">
          <CsrfField token={csrfToken} />
          <input type="hidden" name="token" value={props.token} />
          <input type="email" name="email" value={props.email} autocomplete="username" hidden readonly />
          <FormField
            name="name"
            label="Your name"
            value={props.name ?? undefined}
            errors={props.errors}
            maxLength={200}
            autocomplete="name"
          />
          <FormField
            name="password"
            label="Password"
            type="password"
            errors={props.errors}
            required
            autocomplete="new-password"
          />
          <small class="muted">At least 8 characters; a phrase of unrelated words is easiest to remember.</small>
          <button type="submit">Set password and sign in</button>
        </form>
      </article>
    </Layout>
  );
}
