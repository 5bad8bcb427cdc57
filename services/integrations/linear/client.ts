/**
 * Linear's GraphQL API through npm `@linear/sdk`: the typed mutations where
 * their answers are small (issueCreate, issueUpdate), and a few narrow raw
 * queries where the SDK's would fetch whole models (the account, a team's
 * workflow states, an issue's link). A refused token becomes TokenRefused.
 */
import type { LinearClient } from "@linear/sdk";
import { type ProviderCall, TokenRefused } from "../provider.ts";

/** The SDK (~0.25 s of CPU to load) is loaded by the first Linear call, not by every process that imports the app. */
const sdk = () => import("@linear/sdk");

export async function linearClient(call: Pick<ProviderCall, "settings" | "accessToken">): Promise<LinearClient> {
  const { LinearClient } = await sdk();
  return new LinearClient({ accessToken: call.accessToken, apiUrl: call.settings.apiUrl });
}

/** Runs a Linear call, turning an authentication failure into TokenRefused. */
export async function linearCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof (await sdk()).AuthenticationLinearError) {
      throw new TokenRefused(`Linear refused the token: ${error.message}`);
    }
    throw error;
  }
}

export async function rawQuery<T>(client: LinearClient, query: string, variables: Record<string, unknown> = {}) {
  const answer = await linearCall(() => client.client.rawRequest<T, Record<string, unknown>>(query, variables));
  if (!answer.data) throw new Error("Linear answered without data");
  return answer.data;
}

export interface LinearIssueLink {
  id: string;
  identifier: string;
  url: string;
  state: { type: string } | null;
}

export const ACCOUNT_QUERY = `query opsdeckAccount {
  viewer { id name email }
  organization { id name urlKey }
  teams(first: 50) { nodes { id key name } }
}`;

export const ISSUE_QUERY = `query opsdeckIssue($id: String!) {
  issue(id: $id) { id identifier url state { type } }
}`;

export const DONE_STATES_QUERY = `query opsdeckDoneStates($teamId: ID!) {
  workflowStates(filter: { team: { id: { eq: $teamId } }, type: { eq: "completed" } }, first: 10) {
    nodes { id name type position }
  }
}`;
