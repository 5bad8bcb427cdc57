-- 00015 recurring maintenance windows.
-- Why: a window is either one-off (starts_at, ends_at) or a recurrence: an
-- RFC 5545 RRULE subset expanded from a LOCAL start time (dtstart_local) in an
-- IANA timezone, each occurrence lasting duration_minutes. Local time plus
-- zone (not a UTC instant) is what keeps "every Sunday 02:00 Berlin" at 02:00
-- across DST changes; services/maintenance/rrule.ts does the expansion with
-- Temporal. For a recurring window starts_at is the first occurrence's start
-- and ends_at the last occurrence's end, or 'infinity' for an open series, so
-- 00004's index (tenant_id, project_id, ends_at) and the "starts_at <= t <
-- ends_at" pre-filter hold for both kinds; ending a series early ("end now")
-- is the same UPDATE of ends_at as for a one-off window.
-- metric_snapshots needs no new index: its primary key (tenant_id, project_id,
-- type, recorded_at) serves both the range aggregation and the skip-scan that
-- lists a project's metric types.

ALTER TABLE maintenance_windows
  ADD COLUMN rrule text CHECK (char_length(rrule) BETWEEN 9 AND 500),
  ADD COLUMN dtstart_local timestamp,
  ADD COLUMN duration_minutes integer CHECK (duration_minutes BETWEEN 1 AND 44640),
  -- the zone the recurrence is computed in (and the one-off window was entered in)
  ADD COLUMN timezone text NOT NULL DEFAULT 'UTC' CHECK (char_length(timezone) BETWEEN 1 AND 64),
  ADD COLUMN description text CHECK (char_length(description) <= 2000),
  ADD CONSTRAINT maintenance_windows_recurrence CHECK (
    (rrule IS NULL) = (dtstart_local IS NULL) AND (rrule IS NULL) = (duration_minutes IS NULL)
  );
