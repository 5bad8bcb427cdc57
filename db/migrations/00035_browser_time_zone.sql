-- 00035 the profile time zone may be unset: "browser time".
-- Why: a new user sees times in the zone their browser runs in until they
-- pick one on their profile (issue 12); NULL says "not chosen", which no zone
-- name can. Existing rows keep their zone: 'UTC' may have been chosen.
ALTER TABLE users
  ALTER COLUMN timezone DROP NOT NULL,
  ALTER COLUMN timezone DROP DEFAULT;
