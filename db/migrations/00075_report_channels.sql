-- 00075 report recipients may be notification channels (issue 16: "e-mail
-- addresses and/or a notification channel"). A finished run posts a
-- `report.ready` message (name, run time, a link to the file in Opsdeck)
-- through the notification outbox to each channel; e-mail recipients keep
-- the mail outbox and the attachment. docs/reports.md.

-- An array beside `recipients` (not a join table): the list is read whole with
-- the report and written whole by the form; the service checks each id is one
-- of the tenant's channels, and the worker skips one deleted since.
ALTER TABLE reports ADD COLUMN channel_ids uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(channel_ids) <= 20);
-- E-mail may now be empty when a channel is named: at least one of the two.
ALTER TABLE reports DROP CONSTRAINT reports_recipients_check;
ALTER TABLE reports ADD CONSTRAINT reports_recipients_check CHECK (cardinality(recipients) <= 500);
ALTER TABLE reports ADD CONSTRAINT reports_addressed_check
  CHECK (cardinality(recipients) + cardinality(channel_ids) >= 1);

-- report.ready, added to whatever the three event-type lists hold now (as 00100 does).
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN
    SELECT conrelid::regclass AS tbl, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
    WHERE conname IN ('events_type_check', 'notification_rules_event_types_check',
                      'notification_deliveries_event_type_check')
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tbl, c.conname);
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I ', c.tbl, c.conname)
      || replace(c.def, 'ARRAY[', 'ARRAY[''report.ready''::text, ');
  END LOOP;
END
$$;
