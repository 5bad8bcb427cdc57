/**
 * The provider's metadata from `<issuer>/.well-known/openid-configuration`,
 * cached for an hour per client (a failed fetch is not cached, so a provider
 * that was down is asked again on the next sign-in), and its JWKS through
 * jose's `createRemoteJWKSet`, which caches keys and refetches on an unknown
 * `kid` (rate-limited by its cooldown).
 */
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import { OidcRefusal } from "./errors.ts";

export const DISCOVERY_TTL_MS = 60 * 60_000;
const TIMEOUT_MS = 10_000;
/** Discovery documents and token responses are a few KiB; refuse anything absurd. */
const MAX_BODY_BYTES = 256 * 1024;

const endpoint = z.url({ protocol: /^https?$/ });

const MetadataSchema = z.object({
  issuer: z.string(),
  authorization_endpoint: endpoint,
  token_endpoint: endpoint,
  jwks_uri: endpoint,
  token_endpoint_auth_methods_supported: z.array(z.string()).optional(),
});
export type ProviderMetadata = z.infer<typeof MetadataSchema>;

export interface Provider {
  metadata(): Promise<ProviderMetadata>;
  keys(): Promise<JWTVerifyGetKey>;
}

export interface ProviderOptions {
  fetch?: typeof fetch;
  /** Clock for the discovery cache. */
  now?: () => number;
}

export function createProvider(issuer: string, options: ProviderOptions = {}): Provider {
  const fetchFn = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  let cached: { metadata: ProviderMetadata; at: number; keys: JWTVerifyGetKey } | undefined;

  async function load() {
    if (cached && now() - cached.at < DISCOVERY_TTL_MS) return cached;
    const url = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
    const parsed = MetadataSchema.safeParse(await fetchJson(fetchFn, url, {}));
    if (!parsed.success) {
      throw unavailable(`discovery document at ${url} is incomplete: ${parsed.error.issues[0].message}`);
    }
    const metadata = parsed.data;
    // OpenID Connect Discovery 1.0 §4.3: the document must name exactly the issuer we asked.
    if (metadata.issuer !== issuer) {
      throw unavailable(`discovery at ${url} names issuer ${metadata.issuer}, expected ${issuer}`);
    }
    if (issuer.startsWith("https:")) {
      for (const key of ["authorization_endpoint", "token_endpoint", "jwks_uri"] as const) {
        if (!metadata[key].startsWith("https:")) throw unavailable(`${key} of an https issuer is not https`);
      }
    }
    const keys = createRemoteJWKSet(new URL(metadata.jwks_uri), {
      timeoutDuration: TIMEOUT_MS,
      [customFetch]: fetchFn,
    });
    cached = { metadata, at: now(), keys };
    return cached;
  }

  return {
    metadata: async () => (await load()).metadata,
    keys: async () => (await load()).keys,
  };
}

/** GET or POST to the provider with a timeout and a body cap; any failure is the provider's (502). */
export async function fetchJson(fetchFn: typeof fetch, url: string, init: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchFn(url, {
      ...init,
      redirect: "error",
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: { Accept: "application/json", ...init.headers },
    });
  } catch (error) {
    throw unavailable(`${url}: ${(error as Error).message}`);
  }
  const text = await readCapped(response);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw unavailable(`${url} answered ${response.status} with a body that is not JSON`);
  }
  if (!response.ok) {
    const error = (body as { error?: unknown })?.error;
    throw unavailable(`${url} answered ${response.status}${typeof error === "string" ? ` (${error})` : ""}`);
  }
  return body;
}

async function readCapped(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw unavailable(`${response.url} sent more than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(await new Blob(chunks as BlobPart[]).arrayBuffer());
}

function unavailable(logDetail: string): OidcRefusal {
  return new OidcRefusal(
    502,
    "provider_unavailable",
    "The single sign-on provider could not be reached or gave an unusable answer; try again, or sign in with your password",
    logDetail,
  );
}
