import { useContext } from "preact/hooks";
import type { ChannelType } from "../../db/queries/notification_channels.ts";
import { CsrfField, FieldError, type FieldErrors, FormField, invalid } from "../components/form_field.tsx";
import { PageContext } from "../page_context.ts";

/** The form's fields as posted: names are the API's paths (`config.channel`), so errors land on them. */
export type ChannelFormValues = Record<string, string | undefined>;

export interface ChannelFormProps {
  type: ChannelType;
  action: string;
  values?: ChannelFormValues;
  errors?: FieldErrors;
  /** Editing: secret fields left blank keep the stored secret. */
  editing?: { hasSecret: boolean; mode?: string };
  smtpConfigured: boolean;
  /** Slack workspaces the app is installed in (Integrations), offered instead of a pasted bot token. */
  workspaces?: { id: string; name: string }[];
  submitLabel: string;
}

/** One type's settings; the type itself is chosen by the tabs above (a link each, so no JavaScript is needed). */
export function ChannelForm(props: ChannelFormProps) {
  const { csrfToken } = useContext(PageContext);
  const { type, values = {}, errors = {}, editing } = props;
  const keep = editing?.hasSecret ? "leave blank to keep the stored one" : undefined;
  return (
    <form method="post" action={props.action} class="channel-form">
      <CsrfField token={csrfToken} />
      {!editing && <input type="hidden" name="type" value={type} />}
      <FormField name="name" label="Name" value={values.name} errors={errors} required maxLength={200} />
      {type === "slack" && (
        <>
          <fieldset>
            <legend>Bot (buttons, messages updated on acknowledge/resolve)</legend>
            <div class="grid">
              <label>
                Workspace
                <select name="config.integration_id" {...invalid("config.integration_id", errors)}>
                  <option value="">None: use the bot token below</option>
                  {(props.workspaces ?? []).map((w) => (
                    <option key={w.id} value={w.id} selected={w.id === values["config.integration_id"]}>
                      {w.name}
                    </option>
                  ))}
                </select>
                <FieldError name="config.integration_id" errors={errors} />
              </label>
              <FormField
                name="config.channel"
                label="Channel id or #name"
                value={values["config.channel"]}
                errors={errors}
                placeholder="C0123456789"
              />
            </div>
            <div class="grid">
              <FormField
                name="config.bot_token"
                label={`Bot token (xoxb-…)${editing?.mode === "bot" && keep ? `: ${keep}` : ""}`}
                type="password"
                errors={errors}
                autocomplete="off"
              />
            </div>
            <small class="muted">
              Install the app into a workspace from{" "}
              <a href="/integrations">Integrations</a>, or create it from the manifest printed by{" "}
              <code>deno task slack:manifest</code> and paste its bot token; then invite the bot to the channel.
            </small>
          </fieldset>
          <fieldset>
            <legend>…or an incoming webhook (post only)</legend>
            <FormField
              name="config.webhook_url"
              label={`Incoming-webhook URL${editing?.mode === "webhook" && keep ? `: ${keep}` : ""}`}
              type="password"
              errors={errors}
              autocomplete="off"
              placeholder="https://hooks.slack.com/services/…"
            />
          </fieldset>
        </>
      )}
      {type === "email" && (
        <>
          {!props.smtpConfigured && (
            <p class="notice notice-warning" role="status">
              E-mail is not configured on this server (SMTP_URL is not set): sends to this channel will fail until an
              administrator sets it.
            </p>
          )}
          <label>
            Recipients (one per line or separated by commas)
            <textarea name="config.to" rows={3} {...invalid("config.to", errors)}>{values["config.to"]}</textarea>
            <FieldError name="config.to" errors={errors} />
          </label>
        </>
      )}
      {type === "webhook" && (
        <>
          <FormField
            name="config.url"
            label="URL"
            value={values["config.url"]}
            errors={errors}
            required
            placeholder="https://hooks.example.com/opsdeck"
          />
          <FormField
            name="config.secret"
            label={`Signing secret (whsec_…; ${keep ?? "leave blank to have one generated"})`}
            type="password"
            errors={errors}
            autocomplete="off"
          />
          <small class="muted">
            Signed per{" "}
            <a href="https://www.standardwebhooks.com">Standard Webhooks</a>; private addresses are refused unless
            OPSDECK_WEBHOOK_ALLOW lists them.
          </small>
        </>
      )}
      {errors[""] && <p class="field-error">{errors[""]}</p>}
      <button type="submit">{props.submitLabel}</button>
    </form>
  );
}
