/**
 * A stand-in for Google on 127.0.0.1: OAuth 2 for web server apps (the
 * consent page at /o/oauth2/v2/auth, which requires access_type=offline and
 * PKCE S256; /token with single-use codes, refresh tokens that do not rotate
 * and one-hour access tokens; /revoke) and the Drive v3 calls Opsdeck makes
 * through `@googleapis/drive` (about.get, files.get honouring `fields`), with
 * Google's JSON error shapes: 404 notFound for an unknown file, 401
 * authError for an unknown or revoked token.
 */
import { codeChallenge } from "../../services/auth/oidc/flow_cookie.ts";

export const GOOGLE_CLIENT = { id: "1234-opsdeck.apps.googleusercontent.com", secret: "GOCSPX-stand-in-secret" };
export const GOOGLE_USER = { displayName: "Grace Admin", emailAddress: "grace@acme.example", permissionId: "0712345" };

export interface StandInFile {
  id: string;
  name: string;
  mimeType: string;
  modifiedTime: string;
  trashed: boolean;
}

export interface GoogleStandIn {
  url: string;
  env: Record<string, string>;
  files: Map<string, StandInFile>;
  /** Every files.get, by id, in order. */
  fileReads: string[];
  tokenCalls: string[];
  revoked: string[];
  /** The authorize URLs' query strings, as the browser brought them. */
  authorizeQueries: URLSearchParams[];
  revokeEverything(): void;
  stop(): Promise<void>;
}

const webViewLink = (f: StandInFile) =>
  f.mimeType === "application/vnd.google-apps.document"
    ? `https://docs.google.com/document/d/${f.id}/edit?usp=drivesdk`
    : `https://drive.google.com/file/d/${f.id}/view?usp=drivesdk`;

/** Google's error body: `{ error: { code, message, errors: [{ domain, reason, message }], status } }`. */
const googleError = (code: number, reason: string, message: string, status: string) =>
  Response.json({ error: { code, message, errors: [{ domain: "global", reason, message }], status } }, {
    status: code,
  });

export function startGoogleStandIn(): GoogleStandIn {
  const grants = new Map<string, { challenge: string; redirectUri: string; used: boolean }>();
  const access = new Set<string>();
  const refresh = new Set<string>();
  const s = {
    files: new Map<string, StandInFile>(),
    fileReads: [] as string[],
    tokenCalls: [] as string[],
    revoked: [] as string[],
    authorizeQueries: [] as URLSearchParams[],
    revokeEverything() {
      access.clear();
      refresh.clear();
    },
  };
  const issue = (prefix: string, set: Set<string>) => {
    const t = `${prefix}${crypto.randomUUID().replaceAll("-", "")}`;
    set.add(t);
    return t;
  };
  const oauthError = (error: string, description = "Bad Request") =>
    Response.json({ error, error_description: description }, { status: 400 });

  async function token(form: URLSearchParams): Promise<Response> {
    s.tokenCalls.push(form.get("grant_type") ?? "");
    if (form.get("client_id") !== GOOGLE_CLIENT.id || form.get("client_secret") !== GOOGLE_CLIENT.secret) {
      return Response.json({ error: "invalid_client", error_description: "Unauthorized" }, { status: 401 });
    }
    const scope = "https://www.googleapis.com/auth/drive.readonly";
    if (form.get("grant_type") === "authorization_code") {
      const grant = grants.get(form.get("code") ?? "");
      if (!grant || grant.used || grant.redirectUri !== form.get("redirect_uri")) return oauthError("invalid_grant");
      grant.used = true;
      if (grant.challenge !== await codeChallenge(form.get("code_verifier") ?? "")) return oauthError("invalid_grant");
      return Response.json({
        access_token: issue("ya29.", access),
        expires_in: 3599,
        refresh_token: issue("1//", refresh),
        scope,
        token_type: "Bearer",
      });
    }
    if (form.get("grant_type") === "refresh_token") {
      if (!refresh.has(form.get("refresh_token") ?? "")) {
        return oauthError("invalid_grant", "Token has been expired or revoked.");
      }
      // Google keeps the refresh token: the answer carries none.
      return Response.json({ access_token: issue("ya29.", access), expires_in: 3599, scope, token_type: "Bearer" });
    }
    return oauthError("unsupported_grant_type", "Invalid grant_type");
  }

  function drive(path: string, q: URLSearchParams): Response {
    if (path === "/drive/v3/about") {
      if (!q.get("fields")) {
        return googleError(400, "required", "The 'fields' parameter is required for this method.", "INVALID_ARGUMENT");
      }
      return Response.json({ user: { kind: "drive#user", ...GOOGLE_USER, me: true } });
    }
    const id = decodeURIComponent(path.slice("/drive/v3/files/".length));
    s.fileReads.push(id);
    const f = s.files.get(id);
    if (!f) return googleError(404, "notFound", `File not found: ${id}.`, "NOT_FOUND");
    const full: Record<string, unknown> = { kind: "drive#file", ...f, webViewLink: webViewLink(f) };
    // Drive answers only the fields asked for (kind, id, name and mimeType without `fields`).
    const fields = q.get("fields")?.split(",") ?? ["kind", "id", "name", "mimeType"];
    return Response.json(Object.fromEntries(fields.filter((k) => k in full).map((k) => [k, full[k]])));
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/o/oauth2/v2/auth" && req.method === "GET") {
      const q = url.searchParams;
      s.authorizeQueries.push(q);
      if (q.get("client_id") !== GOOGLE_CLIENT.id || q.get("code_challenge_method") !== "S256") {
        return new Response("Error 400: invalid_request", { status: 400 });
      }
      const hidden = ["redirect_uri", "state", "code_challenge"]
        .map((k) => `<input type="hidden" name="${k}" value="${q.get(k)}">`).join("");
      return new Response(
        `<!doctype html><link rel="icon" href="data:,"><title>Sign in - Google Accounts</title>` +
          `<h1>Opsdeck wants to access your Google Account</h1><p>${GOOGLE_USER.emailAddress}</p>` +
          `<form method="post" action="/o/oauth2/v2/auth">${hidden}<button>Allow</button></form>`,
        { headers: { "content-type": "text/html" } },
      );
    }
    if (url.pathname === "/o/oauth2/v2/auth" && req.method === "POST") {
      const form = new URLSearchParams(await req.text());
      const code = `4/0A${crypto.randomUUID().replaceAll("-", "")}`;
      grants.set(code, { challenge: form.get("code_challenge")!, redirectUri: form.get("redirect_uri")!, used: false });
      const back = new URL(form.get("redirect_uri")!);
      back.searchParams.set("state", form.get("state")!);
      back.searchParams.set("code", code);
      back.searchParams.set("scope", "https://www.googleapis.com/auth/drive.readonly");
      return Response.redirect(back.toString(), 302);
    }
    if (url.pathname === "/token" && req.method === "POST") return await token(new URLSearchParams(await req.text()));
    if (url.pathname === "/revoke" && req.method === "POST") {
      const t = new URLSearchParams(await req.text()).get("token") ?? "";
      s.revoked.push(t);
      if (!access.delete(t) && !refresh.delete(t)) return oauthError("invalid_token");
      return Response.json({});
    }
    if (url.pathname.startsWith("/drive/v3/") && req.method === "GET") {
      const bearer = req.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
      if (!access.has(bearer)) {
        return googleError(
          401,
          "authError",
          "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
          "UNAUTHENTICATED",
        );
      }
      return drive(url.pathname, url.searchParams);
    }
    return new Response("Not Found", { status: 404 });
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  return {
    ...s,
    url,
    env: {
      GOOGLE_CLIENT_ID: GOOGLE_CLIENT.id,
      GOOGLE_CLIENT_SECRET: GOOGLE_CLIENT.secret,
      GOOGLE_AUTHORIZE_URL: `${url}/o/oauth2/v2/auth`,
      GOOGLE_TOKEN_URL: `${url}/token`,
      GOOGLE_REVOKE_URL: `${url}/revoke`,
      GOOGLE_API_URL: `${url}/`,
    },
    stop: () => server.shutdown(),
  };
}
