-- 00185 GitHub as an OAuth integration (issue 19): repositories imported as
-- projects, the webhook set up at GitHub from Opsdeck, and commit facts for
-- deployment pages. docs/integrations.md.

-- A project imported from (or linked to) a GitHub repository through an
-- integration: the repository's identity and default branch as GitHub named
-- them at import, and the hook Opsdeck created there (GitHub's hook id). One
-- row per project; the project keeps repository_url, which the webhook
-- receiver already matches deliveries by.
CREATE TABLE github_repositories (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  project_id uuid NOT NULL,
  integration_id uuid NOT NULL,
  repository_id bigint NOT NULL,
  full_name text NOT NULL CHECK (full_name ~ '^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$'),
  default_branch text NOT NULL CHECK (char_length(default_branch) BETWEEN 1 AND 255),
  hook_id bigint,
  hook_created_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, project_id),
  CONSTRAINT github_repositories_hook_time CHECK ((hook_id IS NULL) = (hook_created_at IS NULL)),
  FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, integration_id) REFERENCES integrations (tenant_id, id) ON DELETE CASCADE
);
-- the repositories page marks what is imported already; re-import finds it
CREATE INDEX github_repositories_integration_idx ON github_repositories (tenant_id, integration_id, repository_id);
CREATE TRIGGER github_repositories_set_updated_at BEFORE UPDATE ON github_repositories
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- What GitHub says about a deployed commit, fetched once by the sync worker
-- (never on page render): the message's first 1000 characters, the author,
-- and the pull request it came from. Keyed by the repository (as
-- opsdeck_repository_key spells it) and the SHA as the deployment recorded
-- it, so every deployment of one commit shares a row. `found` false: GitHub
-- answered 404/422 for it (kept so the worker does not ask again).
CREATE TABLE github_commits (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  repository_key text NOT NULL CHECK (char_length(repository_key) BETWEEN 1 AND 2048),
  sha text NOT NULL CHECK (sha ~ '^[0-9a-fA-F]{7,40}$'),
  found boolean NOT NULL,
  message text CHECK (char_length(message) <= 1000),
  author_name text CHECK (char_length(author_name) <= 200),
  author_login text CHECK (char_length(author_login) <= 100),
  pr_number integer CHECK (pr_number > 0),
  pr_title text CHECK (char_length(pr_title) <= 500),
  pr_url text CHECK (char_length(pr_url) <= 2048 AND pr_url ~ '^https?://'),
  fetched_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, repository_key, sha),
  CONSTRAINT github_commits_pr_whole CHECK ((pr_number IS NULL) = (pr_url IS NULL))
);

SELECT opsdeck_isolate_by_tenant('github_repositories', 'github_commits');
