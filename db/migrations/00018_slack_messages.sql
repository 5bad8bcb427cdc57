-- 00018 Slack messages posted for alerts.
-- Why: an alert's acknowledgement or resolution edits the message that
-- announced it (chat.update) instead of posting a new one, so the ts Slack
-- gave that message is kept per (alert, channel). The row also authenticates
-- a button click: /slack/interactions only acts on an alert whose message
-- (Slack channel id + ts) is one Opsdeck posted.
CREATE TABLE slack_messages (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  alert_id uuid NOT NULL,
  channel_id uuid NOT NULL,
  -- Slack's conversation id (C…) and message timestamp, as chat.postMessage answered
  slack_channel text NOT NULL CHECK (char_length(slack_channel) BETWEEN 1 AND 100),
  ts text NOT NULL CHECK (char_length(ts) BETWEEN 1 AND 100),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, alert_id, channel_id),
  FOREIGN KEY (tenant_id, alert_id) REFERENCES alerts (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, channel_id) REFERENCES notification_channels (tenant_id, id) ON DELETE CASCADE
);
-- an interaction names the message by (channel, ts): found across tenants by the owner role
CREATE UNIQUE INDEX slack_messages_message_key ON slack_messages (slack_channel, ts);
-- covers the channel FK (deleting a channel)
CREATE INDEX slack_messages_channel_idx ON slack_messages (tenant_id, channel_id);
CREATE TRIGGER slack_messages_set_updated_at BEFORE UPDATE ON slack_messages
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

ALTER TABLE slack_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON slack_messages TO opsdeck_app
  USING (tenant_id = opsdeck_current_tenant())
  WITH CHECK (tenant_id = opsdeck_current_tenant());
