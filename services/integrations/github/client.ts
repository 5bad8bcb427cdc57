/**
 * GitHub's REST API v3 (https://docs.github.com/rest), the few calls Opsdeck
 * makes, on the `fetch` it is given. Lists follow the `Link: <…>; rel="next"`
 * header, only ever to the configured API origin (the token must not travel
 * elsewhere). 401 "Bad credentials" becomes TokenRefused (the integration is
 * broken); other refusals are GithubRefused with GitHub's status and message.
 * Answers are parsed with zod down to the fields used.
 */
import { z } from "zod";
import { type ProviderCall, TokenRefused } from "../provider.ts";

export type GithubCall = Pick<ProviderCall, "settings" | "accessToken" | "fetch">;

export class GithubRefused extends Error {
  override name = "GithubRefused";
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export const GithubUser = z.object({
  id: z.number().int(),
  login: z.string(),
  name: z.string().nullish(),
  html_url: z.string(),
});

export const GithubRepository = z.object({
  id: z.number().int(),
  full_name: z.string(),
  html_url: z.string(),
  default_branch: z.string().min(1),
  private: z.boolean(),
  archived: z.boolean().optional(),
  description: z.string().nullish(),
});
export type GithubRepository = z.infer<typeof GithubRepository>;

export const GithubCommit = z.object({
  sha: z.string(),
  commit: z.object({ message: z.string(), author: z.object({ name: z.string().nullish() }).nullish() }),
  author: z.object({ login: z.string() }).nullish(),
});

export const GithubPull = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  html_url: z.string(),
  merged_at: z.string().nullish(),
});

const GithubHook = z.object({ id: z.number().int() });

/** At most this many pages of 100 (GitHub's largest page): 1,000 repositories. */
export const MAX_PAGES = 10;

async function request(call: GithubCall, method: string, pathOrUrl: string, body?: unknown) {
  const base = new URL(call.settings.apiUrl.replace(/\/*$/, "/"));
  const url = new URL(pathOrUrl.replace(/^\//, ""), base);
  if (url.origin !== base.origin) throw new Error(`GitHub pointed outside its API (${url.origin})`);
  const res = await call.fetch(url, {
    method,
    headers: {
      Accept: "application/vnd.github+json",
      Authorization: `Bearer ${call.accessToken}`,
      "X-GitHub-Api-Version": "2022-11-28",
      "User-Agent": "Opsdeck",
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  // A proxy's or an outage's HTML page is no JSON: the status still says what happened.
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    if (res.ok) throw new GithubRefused(502, "GitHub answered something that is not JSON");
  }
  if (res.status === 401) throw new TokenRefused(`GitHub refused the token: ${json?.message ?? "HTTP 401"}`);
  if (!res.ok) throw new GithubRefused(res.status, json?.message ?? `HTTP ${res.status}`);
  return { json, link: res.headers.get("link") };
}

/** The `rel="next"` target of a Link header, if any. */
export function nextLink(link: string | null): string | undefined {
  for (const part of (link ?? "").split(",")) {
    const m = /^\s*<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

const path = (fullName: string) => fullName.split("/").map(encodeURIComponent).join("/");

export async function getUser(call: GithubCall) {
  return GithubUser.parse((await request(call, "GET", "user")).json);
}

/** Every repository the account can reach (owner, collaborator, organisation member), newest push first. */
export async function listRepositories(call: GithubCall): Promise<{ repositories: GithubRepository[]; more: boolean }> {
  const repositories: GithubRepository[] = [];
  let next: string | undefined =
    "user/repos?per_page=100&sort=pushed&affiliation=owner,collaborator,organization_member";
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const answer = await request(call, "GET", next);
    repositories.push(...z.array(GithubRepository).parse(answer.json));
    next = nextLink(answer.link);
  }
  return { repositories, more: next !== undefined };
}

export async function getRepository(call: GithubCall, fullName: string) {
  return GithubRepository.parse((await request(call, "GET", `repos/${path(fullName)}`)).json);
}

export async function getCommit(call: GithubCall, fullName: string, sha: string) {
  return GithubCommit.parse((await request(call, "GET", `repos/${path(fullName)}/commits/${sha}`)).json);
}

/** The pull requests a commit belongs to (merged or open), as GitHub lists them. */
export async function commitPulls(call: GithubCall, fullName: string, sha: string) {
  return z.array(GithubPull).parse((await request(call, "GET", `repos/${path(fullName)}/commits/${sha}/pulls`)).json);
}

export async function createHook(call: GithubCall, fullName: string, config: { url: string; secret: string }) {
  const answer = await request(call, "POST", `repos/${path(fullName)}/hooks`, {
    name: "web",
    active: true,
    events: ["deployment", "deployment_status"],
    config: { url: config.url, content_type: "json", secret: config.secret, insecure_ssl: "0" },
  });
  return GithubHook.parse(answer.json);
}

/** Removes a hook; one GitHub no longer has (deleted by hand) counts as removed. */
export async function deleteHook(call: GithubCall, fullName: string, hookId: string): Promise<void> {
  try {
    await request(call, "DELETE", `repos/${path(fullName)}/hooks/${encodeURIComponent(hookId)}`);
  } catch (error) {
    if (!(error instanceof GithubRefused && error.status === 404)) throw error;
  }
}
