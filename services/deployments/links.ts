/** Links built from a project's repository URL (no API calls: the URL shapes are stable). */

/**
 * The web page of a commit: GitHub, Gitea and Forgejo use `/commit/<sha>`,
 * GitLab `/-/commit/<sha>`, Bitbucket `/commits/<sha>`. Null without an
 * http(s) repository URL (an SSH remote has no web page to guess).
 */
export function commitUrl(repositoryUrl: string | null, sha: string): string | null {
  if (!repositoryUrl || !/^https?:\/\//.test(repositoryUrl)) return null;
  const base = repositoryUrl.replace(/\/+$/, "").replace(/\.git$/, "");
  const host = new URL(base).hostname;
  if (host === "bitbucket.org") return `${base}/commits/${sha}`;
  if (host.includes("gitlab")) return `${base}/-/commit/${sha}`;
  return `${base}/commit/${sha}`;
}

/** Seconds from start to finish, when both are known. */
export function durationSeconds(d: { started_at: Date | null; finished_at: Date | null }): number | null {
  if (!d.started_at || !d.finished_at) return null;
  return Math.round((d.finished_at.getTime() - d.started_at.getTime()) / 1000);
}
