-- 00037 mail outbox: e-mail to addresses rather than to a notification channel.
-- Why: reports, status-page subscribers, SLA statements and approval requests
-- mail people who are not a channel. They must survive a restart and an SMTP
-- outage like notifications do, so they are rows written in the transaction
-- of the change that asks for them and sent afterwards by a worker with a
-- lease (services/mail/dispatcher.ts). One row per recipient, so a bounce or
-- an unsubscribe concerns one address and the log says who got what.
CREATE TABLE mail_outbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  -- what asked for it (report, status_subscription, …) and the row it belongs to, for its history
  purpose text NOT NULL CHECK (purpose ~ '^[a-z][a-z0-9_]{0,39}$'),
  reference uuid,
  recipient text NOT NULL CHECK (char_length(recipient) BETWEEN 3 AND 320),
  subject text NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 998),
  text_body text NOT NULL,
  html_body text,
  headers jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(headers) = 'object'),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dead')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL,
  locked_until timestamptz,
  locked_by text CHECK (char_length(locked_by) <= 200),
  last_error text CHECK (char_length(last_error) <= 2000),
  sent_at timestamptz,
  created_at timestamptz NOT NULL,
  CONSTRAINT mail_outbox_lease CHECK (status <> 'sending' OR locked_until IS NOT NULL),
  CONSTRAINT mail_outbox_sent_at CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
  UNIQUE (tenant_id, id)
);
-- the dispatcher's claim: due rows in order
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE status IN ('pending', 'failed', 'sending');
-- a thing's mail history (a report run, a subscriber)
CREATE INDEX mail_outbox_reference_idx ON mail_outbox (tenant_id, reference, created_at DESC) WHERE reference IS NOT NULL;
-- retention: finished rows by age
CREATE INDEX mail_outbox_created_idx ON mail_outbox (created_at) WHERE status IN ('sent', 'dead');

CREATE TABLE mail_outbox_attachments (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  mail_id uuid NOT NULL,
  position smallint NOT NULL CHECK (position >= 0),
  filename text NOT NULL CHECK (char_length(filename) BETWEEN 1 AND 255),
  content_type text NOT NULL CHECK (char_length(content_type) BETWEEN 3 AND 200),
  content bytea NOT NULL,
  PRIMARY KEY (tenant_id, mail_id, position),
  FOREIGN KEY (tenant_id, mail_id) REFERENCES mail_outbox (tenant_id, id) ON DELETE CASCADE
);

-- Row-level security as in 00007.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['mail_outbox', 'mail_outbox_attachments'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO opsdeck_app
         USING (tenant_id = opsdeck_current_tenant())
         WITH CHECK (tenant_id = opsdeck_current_tenant())',
      t
    );
  END LOOP;
END
$$;
