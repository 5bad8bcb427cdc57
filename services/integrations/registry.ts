/** Every provider Opsdeck can connect to: a folder and one line here. */
import type { ProviderDefinition } from "./provider.ts";
import { linear } from "./linear/provider.ts";
import { google } from "./google/provider.ts";

export const PROVIDERS: Record<string, ProviderDefinition> = {
  linear,
  google,
};

export function providerOf(platform: string): ProviderDefinition | undefined {
  return Object.hasOwn(PROVIDERS, platform) ? PROVIDERS[platform] : undefined;
}
