/** GitHub webhook deliveries in GitHub's real payload shape, signed as GitHub signs them. */
import { signBody } from "../../services/github/signature.ts";
import type { TestApp } from "./app.ts";

const user = (login: string) => ({
  login,
  id: 583231,
  node_id: "MDQ6VXNlcjU4MzIzMQ==",
  avatar_url: "https://avatars.githubusercontent.com/u/583231?v=4",
  type: "User",
  site_admin: false,
});

export function repository(fullName: string) {
  return {
    id: 1296269,
    node_id: "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
    name: fullName.split("/")[1],
    full_name: fullName,
    private: true,
    owner: user(fullName.split("/")[0]),
    html_url: `https://github.com/${fullName}`,
    url: `https://api.github.com/repos/${fullName}`,
    default_branch: "main",
  };
}

export function ghDeployment(fullName: string, o: { id: number; sha: string; environment?: string; ref?: string }) {
  return {
    url: `https://api.github.com/repos/${fullName}/deployments/${o.id}`,
    id: o.id,
    node_id: "DE_kwDOAAABPc4AAAAB",
    task: "deploy",
    original_environment: o.environment ?? "production",
    environment: o.environment ?? "production",
    description: null,
    created_at: "2025-03-01T10:00:00Z",
    updated_at: "2025-03-01T10:00:00Z",
    statuses_url: `https://api.github.com/repos/${fullName}/deployments/${o.id}/statuses`,
    repository_url: `https://api.github.com/repos/${fullName}`,
    creator: user("octocat"),
    sha: o.sha,
    ref: o.ref ?? "main",
    payload: {},
    transient_environment: false,
    production_environment: true,
    performed_via_github_app: null,
  };
}

/** A `deployment` event (action created). */
export function deploymentEvent(fullName: string, d: Parameters<typeof ghDeployment>[1]) {
  return {
    action: "created",
    deployment: ghDeployment(fullName, d),
    repository: repository(fullName),
    sender: user("octocat"),
  };
}

/** A `deployment_status` event with `state` (GitHub's: error|failure|inactive|in_progress|queued|pending|success). */
export function deploymentStatusEvent(
  fullName: string,
  d: Parameters<typeof ghDeployment>[1],
  state: string,
  createdAt = "2025-03-01T10:03:00Z",
) {
  return {
    action: "created",
    deployment_status: {
      url: `https://api.github.com/repos/${fullName}/deployments/${d.id}/statuses/${d.id * 10}`,
      id: d.id * 10,
      node_id: "DES_kwDOAAABPc4AAAAB",
      state,
      creator: user("octocat"),
      description: "",
      environment: d.environment ?? "production",
      target_url: `https://github.com/${fullName}/actions/runs/42`,
      log_url: `https://github.com/${fullName}/actions/runs/42`,
      environment_url: "",
      created_at: createdAt,
      updated_at: createdAt,
      deployment_url: `https://api.github.com/repos/${fullName}/deployments/${d.id}`,
      repository_url: `https://api.github.com/repos/${fullName}`,
    },
    deployment: ghDeployment(fullName, d),
    repository: repository(fullName),
    sender: user("octocat"),
  };
}

/** POSTs a delivery to /hooks/github signed with `secret` (undefined: unsigned); `query` e.g. "?tenant=agency". */
export async function deliver(
  app: TestApp["app"],
  event: string,
  payload: unknown,
  secret: string | undefined,
  query = "",
  signature?: string,
) {
  const body = new TextEncoder().encode(JSON.stringify(payload));
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "User-Agent": "GitHub-Hookshot/abc123",
    "X-GitHub-Event": event,
    "X-GitHub-Delivery": crypto.randomUUID(),
    "X-GitHub-Hook-ID": "123456",
  };
  const sig = signature ?? (secret ? await signBody(secret, body) : undefined);
  if (sig) headers["X-Hub-Signature-256"] = sig;
  return await app.request(`/hooks/github${query}`, { method: "POST", headers, body });
}
