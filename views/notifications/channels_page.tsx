import type { ChannelRow, ChannelType } from "../../db/queries/notification_channels.ts";
import type { FieldErrors } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { ChannelForm, type ChannelFormValues } from "./_channel_form.tsx";
import { ChannelTableRow, TYPE_LABEL } from "./_channel_row.tsx";
import { CopyField } from "../components/copy_field.tsx";

export interface ChannelsPageProps {
  channels: ChannelRow[];
  nextCursor: string | null;
  timeZone: string | null;
  canWrite: boolean;
  canDelete: boolean;
  smtpConfigured: boolean;
  workspaces?: { id: string; name: string }[];
  /** The create form's type (tabs). */
  formType: ChannelType;
  values?: ChannelFormValues;
  errors?: FieldErrors;
  /** A webhook channel just created with a generated secret: shown this once. */
  created?: { id: string; name: string; secret: string };
}

export function ChannelsPage(props: ChannelsPageProps) {
  const { channels, timeZone, canWrite, canDelete, formType } = props;
  return (
    <Layout title="Notifications">
      <hgroup>
        <h1>Notification channels</h1>
        <p>
          Where Opsdeck sends alerts and events. <a href="/notifications/rules">Notification rules</a>{" "}
          decide which events go to which channel; <a href="/notifications/deliveries">the delivery log</a>{" "}
          shows every attempt.
        </p>
      </hgroup>
      {props.created && <NewSecret {...props.created} />}
      {channels.some((c) => c.broken) && (
        <Notice kind="error">
          A channel is broken: its destination refused messages for good (revoked token, deleted channel, 404/410). Fix
          its settings and save it to start sending again.
        </Notice>
      )}
      <section>
        {channels.length === 0
          ? (
            <p class="empty-state">
              No channels yet. Add a Slack channel, an e-mail list or a webhook below, then send it a test.
            </p>
          )
          : (
            <div class="table-wrap">
              <table class="striped channels-table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Type</th>
                    <th scope="col">Destination</th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {channels.map((row) => (
                    <ChannelTableRow
                      key={row.id}
                      row={row}
                      timeZone={timeZone}
                      canWrite={canWrite}
                      canDelete={canDelete}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        {props.nextCursor && (
          <p>
            <a href={`/notifications?${new URLSearchParams({ cursor: props.nextCursor })}`}>More channels →</a>
          </p>
        )}
      </section>
      {canWrite && (
        <section id="add-channel">
          <h2>Add a channel</h2>
          <nav class="tabs" aria-label="Channel type">
            {(["slack", "email", "webhook"] as const).map((t) => (
              <a
                key={t}
                href={`/notifications?type=${t}#add-channel`}
                aria-current={t === formType ? "page" : undefined}
              >
                {TYPE_LABEL[t]}
              </a>
            ))}
          </nav>
          <ChannelForm
            type={formType}
            action="/notifications/channels"
            values={props.values}
            errors={props.errors}
            smtpConfigured={props.smtpConfigured}
            workspaces={props.workspaces}
            submitLabel={`Add ${TYPE_LABEL[formType]} channel`}
          />
        </section>
      )}
    </Layout>
  );
}

function NewSecret({ id, name, secret }: { id: string; name: string; secret: string }) {
  return (
    <article class="new-key" role="status">
      <h2>Channel "{name}" created</h2>
      <p>
        <strong>Copy its signing secret now: it will not be shown again.</strong> Your receiver verifies{" "}
        <code>webhook-signature</code> with it.
      </p>
      <label>
        Signing secret
        <CopyField value={secret} class="key-value" autofocus />
      </label>
      <p>
        <a href={`/notifications/channels/${id}`}>Go to the channel</a> to send it a test.
      </p>
    </article>
  );
}
