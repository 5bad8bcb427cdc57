/** Every provider Opsdeck can connect to: a folder and one line here. */
import type { ProviderDefinition } from "./provider.ts";
import { linear } from "./linear/provider.ts";
import { github } from "./github/provider.ts";
import { google } from "./google/provider.ts";
import { slack } from "./slack/provider.ts";

export const PROVIDERS: Record<string, ProviderDefinition> = {
  linear,
  slack,
  github,
  google,
};

export function providerOf(platform: string): ProviderDefinition | undefined {
  return Object.hasOwn(PROVIDERS, platform) ? PROVIDERS[platform] : undefined;
}
