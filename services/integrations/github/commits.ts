/**
 * The sync worker's GitHub work: for deployed commits of the tenant's
 * projects on the account's host that GitHub was not asked about yet, fetch
 * the commit (message, author) and the pull request it belongs to (the
 * merged one first, else the first listed) and keep them in github_commits,
 * which the deployment page and API join. A commit GitHub does not show this
 * account (404, or 422 for a SHA it does not know) is kept as not found, so it
 * is asked once. Bounded per pass; the rest waits for the next one.
 */
import type { Sql } from "../../../db/client.ts";
import * as gq from "../../../db/queries/github_integration.ts";
import { withTenant } from "../../../db/tenant.ts";
import type { ProviderCall } from "../provider.ts";
import { commitPulls, getCommit, GithubRefused } from "./client.ts";

export const COMMITS_PER_PASS = 20;
const MESSAGE_LIMIT = 1000;

const NOT_FOUND: gq.CommitFacts = {
  found: false,
  message: null,
  author_name: null,
  author_login: null,
  pr_number: null,
  pr_title: null,
  pr_url: null,
};

async function factsOf(call: ProviderCall, fullName: string, sha: string): Promise<gq.CommitFacts> {
  try {
    const commit = await getCommit(call, fullName, sha);
    const pulls = await commitPulls(call, fullName, sha);
    const pull = pulls.find((p) => p.merged_at) ?? pulls[0];
    return {
      found: true,
      message: commit.commit.message.slice(0, MESSAGE_LIMIT),
      author_name: commit.commit.author?.name?.slice(0, 200) ?? null,
      author_login: commit.author?.login ?? null,
      pr_number: pull?.number ?? null,
      pr_title: pull?.title.slice(0, 500) ?? null,
      pr_url: pull?.html_url ?? null,
    };
  } catch (error) {
    if (error instanceof GithubRefused && (error.status === 404 || error.status === 422)) return NOT_FOUND;
    throw error;
  }
}

/** One pass for one integration; answers how many commits were looked up. */
export async function fetchDeployedCommits(
  sql: Sql,
  call: ProviderCall,
  tenantId: string,
  now: Date,
): Promise<number> {
  const host = typeof call.metadata.html_host === "string" ? call.metadata.html_host : "github.com";
  const due = await withTenant(sql, tenantId, (tx) => gq.commitsToFetch(tx, tenantId, host, COMMITS_PER_PASS));
  for (const key of due) {
    // The key is host/owner/name (opsdeck_repository_key); GitHub names the repository owner/name.
    const fullName = key.repository_key.split("/").slice(1, 3).join("/");
    const facts = await factsOf(call, fullName, key.sha);
    await withTenant(sql, tenantId, (tx) => gq.storeCommit(tx, tenantId, key, facts, now));
  }
  return due.length;
}
