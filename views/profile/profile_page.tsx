import { useContext } from "preact/hooks";
import type { ThemeName } from "../../services/profile/schemas.ts";
import { CsrfField, type FieldErrors, FormField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";

export const SAVED_MESSAGES = {
  profile: "Profile saved.",
  theme: "Theme saved.",
  password: "Password changed. Every other session of yours has been signed out.",
} as const;
export type Saved = keyof typeof SAVED_MESSAGES;

export interface ProfilePageProps {
  email: string;
  roleName: string;
  name: string | null;
  /** null: browser time. */
  timezone: string | null;
  theme: ThemeName;
  zones: string[];
  saved?: Saved;
  /** Values typed into the profile form, shown again next to its errors. */
  values?: { name?: string; timezone?: string };
  profileErrors?: FieldErrors;
  passwordErrors?: FieldErrors;
  /** A problem with the password form as a whole (too many attempts). */
  passwordError?: string;
}

const THEME_LABELS: Record<ThemeName, string> = { auto: "Follow the system", light: "Light", dark: "Dark" };

export function ProfilePage(props: ProfilePageProps) {
  const { csrfToken } = useContext(PageContext);
  const name = props.values?.name ?? props.name ?? "";
  const timezone = props.values?.timezone ?? props.timezone;
  return (
    <Layout title="Profile">
      <hgroup>
        <h1>Profile</h1>
        <p>
          Signed in as <strong>{props.email}</strong> · role <code>{props.roleName}</code> ·{" "}
          <a href="/profile/sessions">Your sessions</a> · <a href="/api-keys">Your API keys</a>
        </p>
      </hgroup>
      {props.saved && <Notice kind="ok">{SAVED_MESSAGES[props.saved]}</Notice>}

      <div class="profile-grid">
        <article>
          <h2>Name and time zone</h2>
          <form method="post" action="/profile">
            <CsrfField token={csrfToken} />
            <FormField
              name="name"
              label="Name"
              value={name}
              errors={props.profileErrors}
              required
              maxLength={200}
              autocomplete="name"
            />
            <label>
              Time zone
              <select
                name="timezone"
                aria-invalid={props.profileErrors?.timezone ? "true" : undefined}
                aria-describedby="timezone-help"
              >
                <option value="" selected={!timezone}>Browser time</option>
                {(!timezone || props.zones.includes(timezone) ? props.zones : [timezone, ...props.zones]).map((
                  zone,
                ) => <option key={zone} value={zone} selected={zone === timezone}>{zone.replaceAll("_", " ")}</option>)}
              </select>
              <small id="timezone-help" class={props.profileErrors?.timezone ? "field-error" : "muted"}>
                {props.profileErrors?.timezone ??
                  "Times in Opsdeck are shown in this zone; browser time follows your device."}
              </small>
            </label>
            <button type="submit">Save profile</button>
          </form>
        </article>

        <article>
          <h2>Theme</h2>
          <form method="post" action="/profile/preferences">
            <CsrfField token={csrfToken} />
            <fieldset>
              <legend class="visually-hidden">Theme</legend>
              {(Object.keys(THEME_LABELS) as ThemeName[]).map((theme) => (
                <label key={theme}>
                  <input type="radio" name="theme" value={theme} checked={theme === props.theme} />
                  {THEME_LABELS[theme]}
                </label>
              ))}
            </fieldset>
            <button type="submit" class="secondary">Save theme</button>
          </form>
        </article>

        <article>
          <h2>Change password</h2>
          {props.passwordError && <Notice kind="error">{props.passwordError}</Notice>}
          <form method="post" action="/profile/password">
            <CsrfField token={csrfToken} />
            <input type="text" name="username" value={props.email} autocomplete="username" hidden readonly />
            <FormField
              name="current_password"
              label="Current password"
              type="password"
              errors={props.passwordErrors}
              required
              autocomplete="current-password"
            />
            <FormField
              name="new_password"
              label="New password"
              type="password"
              errors={props.passwordErrors}
              required
              autocomplete="new-password"
            />
            <FormField
              name="confirm_password"
              label="New password again"
              type="password"
              errors={props.passwordErrors}
              required
              autocomplete="new-password"
            />
            <small class="muted">
              At least 8 characters and hard to guess: a few unrelated words work well. Changing it signs out every
              other session; your API keys keep working.
            </small>
            <button type="submit">Change password</button>
          </form>
        </article>
      </div>
    </Layout>
  );
}
