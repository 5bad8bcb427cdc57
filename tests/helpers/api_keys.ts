/** Creating API keys through the API, for tests of keys and of what they may do. */
import type { TestApp } from "./app.ts";
import { jsonRequest } from "./http.ts";

/** POST /api/v1/api-keys as `headers`; throws unless it answered 201. Returns the answer's body. */
export async function createKey(
  app: TestApp["app"],
  headers: Record<string, string>,
  body: Record<string, unknown> = {},
): Promise<{ id: string; key: string; scopes: string[]; prefix: string }> {
  const res = await app.request("/api/v1/api-keys", jsonRequest("POST", { name: "test key", ...body }, headers));
  if (res.status !== 201) throw new Error(`creating a key answered ${res.status}: ${await res.text()}`);
  return await res.json();
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
