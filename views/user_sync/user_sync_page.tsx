import { useContext } from "preact/hooks";
import { CsrfField, type FieldErrors, FormField } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { PageContext } from "../page_context.ts";
import { shortTime } from "../users/format.ts";

export interface UserSyncPageProps {
  clerkConfigured: boolean;
  clerkWebhookUrl: string;
  scimConfigured: boolean;
  scimBaseUrl: string;
  recent: { action: string; actor_label: string; who: string | null; created_at: Date }[];
  /** A SCIM token just issued: shown this once. */
  newToken?: string;
  notice?: { kind: "ok" | "error"; text: string };
  errors?: FieldErrors;
}

/** /settings/user-sync: Clerk's webhook secret, the SCIM token, and what both changed lately. */
export function UserSyncPage(props: UserSyncPageProps) {
  const { csrfToken } = useContext(PageContext);
  return (
    <Layout title="User sync">
      <hgroup>
        <h1>User sync</h1>
        <p>Keep people in step with Clerk or with your directory (Okta, Entra) over SCIM.</p>
      </hgroup>
      {props.notice && <Notice kind={props.notice.kind}>{props.notice.text}</Notice>}
      <article>
        <h2>Clerk</h2>
        <p>
          {props.clerkConfigured ? "A signing secret is set." : "No signing secret yet: Clerk's webhooks are refused."}
          {" "}
          In Clerk, add a webhook endpoint with this URL: <code>{props.clerkWebhookUrl}</code>
        </p>
        <form method="post" action="/settings/user-sync/clerk">
          <CsrfField token={csrfToken} />
          <FormField
            name="signing_secret"
            label={props.clerkConfigured ? "New signing secret (replaces the current one)" : "Signing secret"}
            type="password"
            autocomplete="off"
            placeholder="whsec_…"
            errors={props.errors}
          />
          <button type="submit">{props.clerkConfigured ? "Rotate the secret" : "Save the secret"}</button>
        </form>
        {props.clerkConfigured && (
          <form method="post" action="/settings/user-sync/clerk/remove">
            <CsrfField token={csrfToken} />
            <button type="submit" class="secondary">Remove the secret</button>
          </form>
        )}
      </article>
      <article>
        <h2>SCIM</h2>
        <p>
          Base URL for your directory: <code>{props.scimBaseUrl}</code>.{" "}
          {props.scimConfigured ? "A token is set." : "No token yet: SCIM calls are refused."}
        </p>
        {props.newToken && (
          <Notice kind="ok">
            Copy this token into your directory now; it is not shown again: <code>{props.newToken}</code>
          </Notice>
        )}
        <form method="post" action="/settings/user-sync/scim-token">
          <CsrfField token={csrfToken} />
          <button type="submit">
            {props.scimConfigured ? "Issue a new token (the old one stops)" : "Create a token"}
          </button>
        </form>
        {props.scimConfigured && (
          <form method="post" action="/settings/user-sync/scim-token/revoke">
            <CsrfField token={csrfToken} />
            <button type="submit" class="secondary">Revoke the token</button>
          </form>
        )}
      </article>
      <article>
        <h2>Last changes received</h2>
        {props.recent.length === 0 ? <p>Nothing received from Clerk or SCIM yet.</p> : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>When</th>
                  <th>From</th>
                  <th>What</th>
                  <th>Who</th>
                </tr>
              </thead>
              <tbody>
                {props.recent.map((r) => (
                  <tr key={`${r.created_at.toISOString()}${r.action}${r.who}`}>
                    <td>
                      <time datetime={r.created_at.toISOString()}>{shortTime(r.created_at)}</time>
                    </td>
                    <td>{r.actor_label === "scim" ? "SCIM" : "Clerk"}</td>
                    <td>{r.action.replace("user.", "").replaceAll("_", " ")}</td>
                    <td>{r.who}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </article>
    </Layout>
  );
}
