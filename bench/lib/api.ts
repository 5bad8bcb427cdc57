/**
 * Talking to a running Opsdeck as a user would: the first-run set-up, logins,
 * JSON posts and checked GETs.
 */

const EMAIL = "bench-admin@example.com";
const PASSWORD = "bench-violet-anchor-drifts-42-quietly";

/** `POST /api/v1/sessions` as the admin `setUpAndLogIn` created; 201 on success. */
export function logIn(url: string): Promise<Response> {
  return fetch(`${url}/api/v1/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
}

/**
 * First-run set-up through the page (a tenant and its admin), then a login:
 * the session token serves as bearer token and as `opsdeck_session` cookie.
 */
export async function setUpAndLogIn(url: string): Promise<string> {
  const setup = await fetch(`${url}/setup`, {
    method: "POST",
    body: new URLSearchParams({ organization: "Bench Agency", name: "Bench Admin", email: EMAIL, password: PASSWORD }),
    redirect: "manual",
  });
  await setup.body?.cancel();
  if (setup.status !== 303) throw new Error(`set-up answered ${setup.status}`);
  const login = await logIn(url);
  if (login.status !== 201) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  return (await login.json()).token;
}

/** POSTs `body` as JSON with `token` as bearer token, expects 201 and returns the answer's JSON. */
export async function postJson(url: string, path: string, token: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
  return await res.json();
}

/** GETs `url` and reads the whole answer; true when it is 2xx. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  return res.ok;
}

/** Throws unless `url` answers 2xx: a benchmark of error answers measures nothing. */
export async function expectOk(
  url: string,
  headers: Record<string, string> = {},
  request?: { method: string; body: string },
): Promise<void> {
  const res = await fetch(url, { headers, ...request });
  if (!res.ok) throw new Error(`${url} answered ${res.status}; not benchmarking it: ${await res.text()}`);
  await res.body?.cancel();
}
