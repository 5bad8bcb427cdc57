import { Layout } from "../layouts/layout.tsx";
import { type FieldErrors, FormField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";

export interface SetupPageProps {
  values?: { organization?: string; name?: string; email?: string };
  errors?: FieldErrors;
  error?: string;
}

export function SetupPage({ values = {}, errors, error }: SetupPageProps) {
  return (
    <Layout title="Set up Opsdeck">
      <article class="auth-card">
        <hgroup>
          <h1>Set up Opsdeck</h1>
          <p>Create your organisation and its first administrator.</p>
        </hgroup>
        {error && <Notice kind="error">{error}</Notice>}
        <form method="post" action="/setup">
          <FormField
            name="organization"
            label="Organisation"
            value={values.organization}
            errors={errors}
            required
            maxLength={200}
          />
          <FormField
            name="name"
            label="Your name"
            value={values.name}
            errors={errors}
            required
            maxLength={200}
            autocomplete="name"
          />
          <FormField
            name="email"
            label="E-mail"
            type="email"
            value={values.email}
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
            autocomplete="new-password"
          />
          <small class="muted">At least 8 characters; a phrase of unrelated words is easiest to remember.</small>
          <button type="submit">Create organisation</button>
        </form>
      </article>
    </Layout>
  );
}
