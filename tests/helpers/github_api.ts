/**
 * A stand-in for GitHub on 127.0.0.1: the OAuth app web flow (an authorize
 * page with its button, POST /login/oauth/access_token answering JSON to
 * `Accept: application/json`, PKCE S256, single-use codes, and GitHub's
 * refusals as HTTP 200 `{error: "bad_verification_code"}`), optionally GitHub
 * App user tokens (expires_in, refresh_token), and the REST API v3 under
 * /api: GET /user, GET /user/repos paginated by `Link` headers (page size
 * `pageSize`, as GitHub caps per_page), GET /repos/{o}/{r}, commits and their
 * pulls, hooks created and deleted (each creation's config recorded), and
 * 401 "Bad credentials" for an unknown or revoked token. Payloads are GitHub's
 * shapes (tests/helpers/github.ts builds the repository part).
 */
import { codeChallenge } from "../../services/auth/oidc/flow_cookie.ts";
import { repository } from "./github.ts";

export const GITHUB_CLIENT = { id: "Iv1.8a61f9b3a7aba766", secret: "gh-secret-0123456789abcdef" };
export const GITHUB_USER = { id: 583231, login: "octocat", name: "The Octocat" };

export interface StandInRepo {
  id: number;
  full_name: string;
  default_branch: string;
  description: string | null;
  /** false: the account may read but not manage hooks (GitHub answers 404 to creating one). */
  admin: boolean;
}

export interface StandInCommit {
  message: string;
  author: string;
  login: string;
  pull?: { number: number; title: string };
}

export interface StandInHook {
  id: number;
  repo: string;
  events: string[];
  config: { url: string; content_type: string; secret: string; insecure_ssl: string };
  deleted: boolean;
}

export interface GithubStandIn {
  url: string;
  env: Record<string, string>;
  repos: StandInRepo[];
  /** Commits by `owner/name@sha`. */
  commits: Map<string, StandInCommit>;
  hooks: StandInHook[];
  /** Every API request's method and path, in order (pages, commits fetched). */
  requests: string[];
  /** Every token-endpoint call's grant type (`authorization_code` for a code), in order. */
  tokenCalls: string[];
  pageSize: number;
  /** Answer as a GitHub App: user tokens that expire (seconds) with a refresh token; 0: OAuth app tokens that never do. */
  expiresIn: number;
  revokeEverything(): void;
  stop(): Promise<void>;
}

export function startGithubStandIn(): GithubStandIn {
  const grants = new Map<string, { challenge: string; redirectUri: string; used: boolean }>();
  const access = new Set<string>();
  const refresh = new Set<string>();
  let hookSeq = 400000;
  const s = {
    repos: [] as StandInRepo[],
    commits: new Map<string, StandInCommit>(),
    hooks: [] as StandInHook[],
    requests: [] as string[],
    tokenCalls: [] as string[],
    pageSize: 100,
    expiresIn: 0,
  };
  const newToken = (prefix: string, set: Set<string>) => {
    const t = `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
    set.add(t);
    return t;
  };
  const tokens = () =>
    s.expiresIn > 0
      ? {
        access_token: newToken("ghu", access),
        expires_in: s.expiresIn,
        refresh_token: newToken("ghr", refresh),
        refresh_token_expires_in: 15811200,
        token_type: "bearer",
        scope: "",
      }
      : { access_token: newToken("gho", access), token_type: "bearer", scope: "admin:repo_hook,repo" };
  // GitHub answers OAuth refusals with HTTP 200 and these three fields.
  const refusal = (error: string, description: string) =>
    Response.json({ error, error_description: description, error_uri: "https://docs.github.com/apps/oauth" });

  async function token(form: URLSearchParams, accept: string | null): Promise<Response> {
    if (accept !== "application/json") return new Response("access_token=…&token_type=bearer", { status: 200 });
    s.tokenCalls.push(form.get("grant_type") ?? "authorization_code");
    if (form.get("client_id") !== GITHUB_CLIENT.id || form.get("client_secret") !== GITHUB_CLIENT.secret) {
      return refusal("incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.");
    }
    if (form.get("grant_type") === "refresh_token") {
      if (!refresh.delete(form.get("refresh_token") ?? "")) {
        return refusal("bad_refresh_token", "The refresh token passed is incorrect or expired.");
      }
      return Response.json(tokens());
    }
    const grant = grants.get(form.get("code") ?? "");
    const badCode = () => refusal("bad_verification_code", "The code passed is incorrect or expired.");
    if (!grant || grant.used) return badCode();
    grant.used = true;
    if (grant.redirectUri !== form.get("redirect_uri")) {
      return refusal("redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL.");
    }
    if (grant.challenge !== await codeChallenge(form.get("code_verifier") ?? "")) return badCode();
    return Response.json(tokens());
  }

  const notFound = () =>
    Response.json({ message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" }, {
      status: 404,
    });
  const repoJson = (r: StandInRepo) => ({
    ...repository(r.full_name),
    id: r.id,
    name: r.full_name.split("/")[1],
    default_branch: r.default_branch,
    description: r.description,
    archived: false,
    permissions: { admin: r.admin, maintain: r.admin, push: true, triage: true, pull: true },
  });

  function api(req: Request, url: URL, apiBase: string, body: unknown): Response {
    const path = url.pathname.replace(/^\/api/, "");
    s.requests.push(`${req.method} ${path}${url.search}`);
    if (path === "/user") {
      return Response.json({
        ...GITHUB_USER,
        node_id: "MDQ6VXNlcjU4MzIzMQ==",
        avatar_url: "https://avatars.githubusercontent.com/u/583231?v=4",
        html_url: `https://github.com/${GITHUB_USER.login}`,
        type: "User",
        site_admin: false,
      });
    }
    if (path === "/user/repos") {
      const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), s.pageSize);
      const page = Number(url.searchParams.get("page") ?? 1);
      const last = Math.max(1, Math.ceil(s.repos.length / perPage));
      const link = (p: number, rel: string) => {
        const u = new URL(`${apiBase}/user/repos`);
        u.search = url.search;
        u.searchParams.set("per_page", String(perPage));
        u.searchParams.set("page", String(p));
        return `<${u}>; rel="${rel}"`;
      };
      const links = [
        ...(page < last ? [link(page + 1, "next"), link(last, "last")] : []),
        ...(page > 1 ? [link(1, "first"), link(page - 1, "prev")] : []),
      ];
      const items = s.repos.slice((page - 1) * perPage, page * perPage).map(repoJson);
      return Response.json(items, { headers: links.length ? { Link: links.join(", ") } : {} });
    }
    const m = /^\/repos\/([^/]+\/[^/]+)(\/.*)?$/.exec(path);
    const repo = m && s.repos.find((r) => r.full_name.toLowerCase() === m[1].toLowerCase());
    if (!m || !repo) return notFound();
    const rest = m[2] ?? "";
    if (rest === "" && req.method === "GET") return Response.json(repoJson(repo));
    const commit = /^\/commits\/([0-9a-f]+)(\/pulls)?$/.exec(rest);
    if (commit && req.method === "GET") {
      const c = s.commits.get(`${repo.full_name}@${commit[1]}`);
      if (!c) {
        return Response.json({ message: `No commit found for SHA: ${commit[1]}`, status: "422" }, { status: 422 });
      }
      const html = `https://github.com/${repo.full_name}`;
      if (commit[2]) {
        return Response.json(
          c.pull
            ? [{
              url: `${apiBase}/repos/${repo.full_name}/pulls/${c.pull.number}`,
              id: 1000 + c.pull.number,
              number: c.pull.number,
              state: "closed",
              title: c.pull.title,
              html_url: `${html}/pull/${c.pull.number}`,
              user: { login: c.login, id: 1 },
              merged_at: "2025-03-01T09:58:00Z",
              merge_commit_sha: commit[1],
            }]
            : [],
        );
      }
      return Response.json({
        sha: commit[1],
        node_id: "C_kwDOAAABPc4AAAAB",
        html_url: `${html}/commit/${commit[1]}`,
        commit: {
          message: c.message,
          author: { name: c.author, email: `${c.login}@example.com`, date: "2025-03-01T09:55:00Z" },
          committer: { name: "GitHub", email: "noreply@github.com", date: "2025-03-01T09:58:00Z" },
        },
        author: { login: c.login, id: 2, type: "User" },
        committer: { login: "web-flow", id: 19864447, type: "User" },
        parents: [],
        stats: { total: 3, additions: 2, deletions: 1 },
        files: [],
      });
    }
    if (rest === "/hooks" && req.method === "POST") {
      if (!repo.admin) return notFound();
      const b = body as { name: string; events: string[]; config: StandInHook["config"] };
      if (s.hooks.some((h) => !h.deleted && h.repo === repo.full_name && h.config.url === b.config.url)) {
        return Response.json({
          message: "Validation Failed",
          errors: [{ resource: "Hook", code: "custom", message: "Hook already exists on this repository" }],
          documentation_url: "https://docs.github.com/rest/repos/webhooks#create-a-repository-webhook",
          status: "422",
        }, { status: 422 });
      }
      const hook: StandInHook = {
        id: ++hookSeq,
        repo: repo.full_name,
        events: b.events,
        config: b.config,
        deleted: false,
      };
      s.hooks.push(hook);
      return Response.json({
        type: "Repository",
        id: hook.id,
        name: "web",
        active: true,
        events: hook.events,
        config: {
          content_type: b.config.content_type,
          insecure_ssl: b.config.insecure_ssl,
          url: b.config.url,
          secret: "********",
        },
        updated_at: "2025-03-01T10:00:00Z",
        created_at: "2025-03-01T10:00:00Z",
        url: `${apiBase}/repos/${repo.full_name}/hooks/${hook.id}`,
        ping_url: `${apiBase}/repos/${repo.full_name}/hooks/${hook.id}/pings`,
        last_response: { code: null, status: "unused", message: null },
      }, { status: 201 });
    }
    const hookPath = /^\/hooks\/(\d+)$/.exec(rest);
    if (hookPath && req.method === "DELETE") {
      const hook = s.hooks.find((h) => !h.deleted && h.repo === repo.full_name && h.id === Number(hookPath[1]));
      if (!hook) return notFound();
      hook.deleted = true;
      return new Response(null, { status: 204 });
    }
    return notFound();
  }

  const server: Deno.HttpServer<Deno.NetAddr> = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
  }, async (req): Promise<Response> => {
    const url = new URL(req.url);
    const base = url.origin;
    if (url.pathname === "/login/oauth/authorize" && req.method === "GET") {
      const q = url.searchParams;
      if (q.get("client_id") !== GITHUB_CLIENT.id || q.get("code_challenge_method") !== "S256") {
        return new Response("bad authorize request", { status: 400 });
      }
      const hidden = ["redirect_uri", "state", "code_challenge"]
        .map((k) => `<input type="hidden" name="${k}" value="${q.get(k)}">`).join("");
      return new Response(
        `<!doctype html><link rel="icon" href="data:,"><title>Authorize application</title>` +
          `<h1>Authorize Opsdeck for ${GITHUB_USER.login}</h1>` +
          `<form method="post" action="/login/oauth/authorize">${hidden}<button>Authorize Opsdeck</button></form>`,
        { headers: { "content-type": "text/html" } },
      );
    }
    if (url.pathname === "/login/oauth/authorize" && req.method === "POST") {
      const form = new URLSearchParams(await req.text());
      const code = crypto.randomUUID().replaceAll("-", "").slice(0, 20);
      grants.set(code, { challenge: form.get("code_challenge")!, redirectUri: form.get("redirect_uri")!, used: false });
      const back = new URL(form.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", form.get("state")!);
      return Response.redirect(back.toString(), 302);
    }
    if (url.pathname === "/login/oauth/access_token" && req.method === "POST") {
      return await token(new URLSearchParams(await req.text()), req.headers.get("accept"));
    }
    if (url.pathname.startsWith("/api/")) {
      const bearer = req.headers.get("authorization")?.replace(/^(Bearer|token) /, "") ?? "";
      if (!access.has(bearer)) {
        await req.body?.cancel();
        return Response.json({
          message: "Bad credentials",
          documentation_url: "https://docs.github.com/rest",
          status: "401",
        }, {
          status: 401,
        });
      }
      const body = req.method === "POST" ? await req.json() : undefined;
      return api(req, url, `${base}/api`, body);
    }
    return new Response("not found", { status: 404 });
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  return Object.assign(s, {
    url,
    env: {
      GITHUB_CLIENT_ID: GITHUB_CLIENT.id,
      GITHUB_CLIENT_SECRET: GITHUB_CLIENT.secret,
      GITHUB_AUTHORIZE_URL: `${url}/login/oauth/authorize`,
      GITHUB_TOKEN_URL: `${url}/login/oauth/access_token`,
      GITHUB_API_URL: `${url}/api`,
    },
    revokeEverything() {
      access.clear();
      refresh.clear();
    },
    stop: () => server.shutdown(),
  });
}
