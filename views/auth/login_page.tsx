import { Layout } from "../layouts/layout.tsx";
import { type FieldErrors, FormField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";

export interface LoginPageProps {
  next: string;
  email?: string;
  error?: string;
  errors?: FieldErrors;
  /** Set when single sign-on is configured. */
  ssoUrl?: string;
}

export function LoginPage({ next, email, error, errors, ssoUrl }: LoginPageProps) {
  return (
    <Layout title="Sign in">
      <article class="auth-card">
        <h1>Sign in</h1>
        {error && <Notice kind="error">{error}</Notice>}
        <form method="post" action="/login">
          <input type="hidden" name="next" value={next} />
          <FormField
            name="email"
            label="E-mail"
            type="email"
            value={email}
            errors={errors}
            required
            autocomplete="username"
          />
          <FormField
            name="password"
            label="Password"
            type="password"
            errors={errors}
            required
            autocomplete="current-password"
          />
          <button type="submit">Sign in</button>
        </form>
        {ssoUrl && (
          <p>
            <a href={ssoUrl} role="button" class="secondary outline" style="width:100%">Sign in with single sign-on</a>
          </p>
        )}
      </article>
    </Layout>
  );
}
