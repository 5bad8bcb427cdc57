/**
 * Every environment variable Opsdeck reads, parsed once at start-up.
 * Secrets also accept a `<NAME>_FILE` variant (Docker secrets); a bad value
 * becomes a ConfigError naming the variable, printed as one line by main.ts.
 */
import { z } from "zod";
import { createOutboundPolicy, type OutboundPolicy } from "./net/policy.ts";
import { databaseHosts, firstHostUrl } from "./database_url.ts";
import { type IntegrationSettings, integrationSettings } from "../integrations/settings.ts";

const cidrList = z.string().transform((value, ctx) => {
  const items = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (!isCidr(item)) {
      ctx.addIssue({ code: "custom", message: `"${item}" is not a CIDR range such as 10.0.0.0/8 or fd00::/8` });
      return z.NEVER;
    }
  }
  return items;
});

const domainList = z.string().transform((value, ctx) => {
  const items = value.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const item of items) {
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(item)) {
      ctx.addIssue({ code: "custom", message: `"${item}" is not a domain such as example.com` });
      return z.NEVER;
    }
  }
  return items;
});

/** Old secrets, separated by commas or whitespace (base64 never contains either). */
const secretList = z.string().transform((value, ctx) => {
  const items = value.split(/[\s,]+/).filter(Boolean);
  if (items.some((item) => item.length < 32)) {
    ctx.addIssue({ code: "custom", message: "each previous secret must be at least 32 characters" });
    return z.NEVER;
  }
  return items;
});

const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(firstHostUrl(value)).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => p + "//").join(" or ")}`);

/** The declarative table: name → schema (with default) → where it lands. */
const schema = z.object({
  DATABASE_URL: url(["postgres:", "postgresql:"]).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  OPSDECK_BASE_URL: url(["http:", "https:"]).optional(),
  OPSDECK_DATA_DIR: z.string().min(1).default("./data"),
  OPSDECK_SECRET: z.string().min(32, "must be at least 32 characters (try: openssl rand -base64 32)").optional(),
  OPSDECK_ADMIN_EMAIL: z.email("must be an e-mail address").optional(),
  OPSDECK_ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").max(128).optional(),
  SMTP_URL: url(["smtp:", "smtps:"]).optional(),
  SMTP_FROM: z.string().min(3).default("Opsdeck <opsdeck@localhost>"),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_API_URL: url(["http:", "https:"]).default("https://slack.com/api/"),
  OIDC_ISSUER: url(["http:", "https:"]).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_DEFAULT_ROLE: z.string().trim().min(1).max(64)
    .refine((r) => r.toLowerCase() !== "client", "cannot be client: client users belong to one client, invite them")
    .optional(),
  OIDC_TENANT: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/, "must be a tenant slug such as acme")
    .optional(),
  OIDC_ALLOWED_DOMAINS: domainList.default([]),
  OPSDECK_SECRET_PREVIOUS: secretList.default([]),
  OPSDECK_PROBE_DENY: cidrList.default([]),
  OPSDECK_PROBE_ALLOW: cidrList.default([]),
  OPSDECK_WEBHOOK_ALLOW: cidrList.default([]),
  OPSDECK_TRUSTED_PROXIES: cidrList.default([]),
  OPSDECK_API_RATE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(600),
  OPSDECK_API_RATE_LIMIT_IP: z.coerce.number().int().min(0).max(1_000_000).default(1200),
  OPSDECK_PROBE_CONCURRENCY: z.coerce.number().int().min(1).max(5000).default(256),
  OPSDECK_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(400),
  OPSDECK_RAW_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  OPSDECK_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),
  OPSDECK_DB_WAIT_SECONDS: z.coerce.number().int().min(0).max(600).default(10),
  OPSDECK_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  // The approval wait's fallback re-read; decisions wake it by NOTIFY (services/approvals/wait.ts).
  OPSDECK_APPROVAL_WAIT_POLL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  OPSDECK_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  OPSDECK_DB_QUEUE_MAX: z.coerce.number().int().min(0).max(100_000).default(100),
  OPSDECK_LIVE_STREAMS_MAX: z.coerce.number().int().min(0).max(100_000).default(1_000),
  OPSDECK_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  // Set by the image build (Dockerfile ARGs); shown in opsdeck_build_info.
  OPSDECK_VERSION: z.string().min(1).max(100).default("dev"),
  OPSDECK_REVISION: z.string().min(1).max(100).default("unknown"),
}).check((ctx) => {
  const v = ctx.value;
  if (Boolean(v.OPSDECK_ADMIN_EMAIL) !== Boolean(v.OPSDECK_ADMIN_PASSWORD)) {
    ctx.issues.push({
      code: "custom",
      input: v,
      path: [v.OPSDECK_ADMIN_EMAIL ? "OPSDECK_ADMIN_PASSWORD" : "OPSDECK_ADMIN_EMAIL"],
      message: "OPSDECK_ADMIN_EMAIL and OPSDECK_ADMIN_PASSWORD must be set together",
    });
  }
  const oidc = [v.OIDC_ISSUER, v.OIDC_CLIENT_ID, v.OIDC_CLIENT_SECRET];
  if (oidc.some(Boolean) && !oidc.every(Boolean)) {
    ctx.issues.push({
      code: "custom",
      input: v,
      path: [!v.OIDC_ISSUER ? "OIDC_ISSUER" : !v.OIDC_CLIENT_ID ? "OIDC_CLIENT_ID" : "OIDC_CLIENT_SECRET"],
      message: "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together",
    });
  }
  const jit = [v.OIDC_DEFAULT_ROLE, v.OIDC_TENANT];
  if (jit.some(Boolean) && !(jit.every(Boolean) && v.OIDC_ISSUER)) {
    ctx.issues.push({
      code: "custom",
      input: v,
      path: [v.OIDC_DEFAULT_ROLE ? "OIDC_TENANT" : "OIDC_DEFAULT_ROLE"],
      message: "OIDC_DEFAULT_ROLE and OIDC_TENANT must be set together, with OIDC_ISSUER",
    });
  }
  if (v.OIDC_ALLOWED_DOMAINS.length > 0 && !v.OIDC_DEFAULT_ROLE) {
    ctx.issues.push({
      code: "custom",
      input: v,
      path: ["OIDC_ALLOWED_DOMAINS"],
      message: "only limits sign-up into OIDC_DEFAULT_ROLE, which is not set",
    });
  }
});

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** With tenantSlug: unknown users get an active account in this role (just-in-time provisioning). */
  defaultRole?: string;
  tenantSlug?: string;
  /** When not empty, just-in-time provisioning only for verified e-mails in these domains. */
  allowedDomains: string[];
}

export interface Config {
  databaseUrl?: string;
  port: number;
  host: string;
  baseUrl?: string;
  dataDir: string;
  secret?: string;
  adminEmail?: string;
  adminPassword?: string;
  smtpUrl?: string;
  smtpFrom: string;
  slackSigningSecret?: string;
  slackApiUrl: string;
  oidc?: OidcConfig;
  /** Older OPSDECK_SECRET values: they still decrypt, until `deno task secrets:rotate` has run. */
  previousSecrets: string[];
  probeDeny: string[];
  probeAllow: string[];
  webhookAllow: string[];
  /** Reverse proxies whose Forwarded / X-Forwarded-* headers are believed (services/net/forwarded.ts). */
  trustedProxies: string[];
  /** API requests a minute per API key or session, per process; 0 = no limit. */
  apiRateLimit: number;
  /** API requests a minute per client IP, per process; 0 = no limit. */
  apiRateLimitIp: number;
  /** Probes in flight at once, across all checks of this process. */
  probeConcurrency: number;
  /** Check results and metric points older than this are dropped, a monthly partition at a time. */
  retentionDays: number;
  /** Single check results (raw and packed in segments) are kept this long; their roll-ups for retentionDays. */
  rawRetentionDays: number;
  logLevel: "debug" | "info" | "warn" | "error";
  shutdownTimeoutMs: number;
  dbWaitSeconds: number;
  /** A page or API request still running after this answers 503 (a frozen or overloaded database). */
  requestTimeoutMs: number;
  approvalWaitPollMs: number;
  /** PostgreSQL's statement_timeout on the pool (0: none). */
  statementTimeoutMs: number;
  /** Requests allowed to wait for the database beyond those it is serving; more answer 503 at once. */
  dbQueueMax: number;
  /** Live-page streams (server-sent events) one process keeps open; past it, pages poll (docs/scaling.md). */
  liveStreamsMax: number;
  /** When set, GET /metrics wants `Authorization: Bearer <token>`. */
  metricsToken?: string;
  version: string;
  revision: string;
  /**
   * The outbound address policies, built once: from DATABASE_URL here, and
   * again by `withDatabaseAddress` once start-up knows the database it runs on.
   */
  outbound: OutboundPolicy;
  /** Each OAuth provider's app (`LINEAR_CLIENT_ID`, …): only the configured ones (services/integrations/settings.ts). */
  integrations: IntegrationSettings;
}

/** The configuration with its outbound policies protecting the database at `databaseUrl` (embedded or not). */
export function withDatabaseAddress(config: Config, databaseUrl: string | undefined): Config {
  return { ...config, outbound: createOutboundPolicy(config, databaseUrl ?? config.databaseUrl) };
}

const SECRET_NAMES = [
  "DATABASE_URL",
  "OPSDECK_SECRET",
  "OPSDECK_ADMIN_PASSWORD",
  "SMTP_URL",
  "SLACK_SIGNING_SECRET",
  "OIDC_CLIENT_SECRET",
  "OPSDECK_SECRET_PREVIOUS",
  "OPSDECK_METRICS_TOKEN",
] as const;

export class ConfigError extends Error {
  constructor(readonly variable: string, readonly problem: string) {
    super(`${variable}: ${problem}`);
    this.name = "ConfigError";
  }
}

/** Parses an environment map; throws ConfigError for the first bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    raw[key] = value === "" ? undefined : value;
  }
  for (const name of SECRET_NAMES) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    if (raw[name]) throw new ConfigError(`${name}_FILE`, `cannot be used together with ${name}`);
    try {
      raw[name] = Deno.readTextFileSync(file).trim();
    } catch (error) {
      throw new ConfigError(`${name}_FILE`, `cannot read ${file}: ${(error as Error).message}`);
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue.path[0] ?? "environment");
    const shown = SECRET_NAMES.includes(variable as typeof SECRET_NAMES[number]) || raw[variable] === undefined
      ? ""
      : ` (got ${JSON.stringify(raw[variable])})`;
    throw new ConfigError(variable, `${issue.message}${shown}`);
  }
  const v = parsed.data;
  const config: Omit<Config, "outbound"> = {
    databaseUrl: v.DATABASE_URL,
    port: v.PORT,
    host: v.HOST,
    baseUrl: v.OPSDECK_BASE_URL?.replace(/\/+$/, ""),
    dataDir: v.OPSDECK_DATA_DIR,
    secret: v.OPSDECK_SECRET,
    adminEmail: v.OPSDECK_ADMIN_EMAIL,
    adminPassword: v.OPSDECK_ADMIN_PASSWORD,
    smtpUrl: v.SMTP_URL,
    smtpFrom: v.SMTP_FROM,
    slackSigningSecret: v.SLACK_SIGNING_SECRET,
    slackApiUrl: v.SLACK_API_URL,
    oidc: v.OIDC_ISSUER && v.OIDC_CLIENT_ID && v.OIDC_CLIENT_SECRET
      ? {
        issuer: v.OIDC_ISSUER,
        clientId: v.OIDC_CLIENT_ID,
        clientSecret: v.OIDC_CLIENT_SECRET,
        defaultRole: v.OIDC_DEFAULT_ROLE,
        tenantSlug: v.OIDC_TENANT,
        allowedDomains: v.OIDC_ALLOWED_DOMAINS,
      }
      : undefined,
    previousSecrets: v.OPSDECK_SECRET_PREVIOUS,
    probeDeny: v.OPSDECK_PROBE_DENY,
    probeAllow: v.OPSDECK_PROBE_ALLOW,
    webhookAllow: v.OPSDECK_WEBHOOK_ALLOW,
    trustedProxies: v.OPSDECK_TRUSTED_PROXIES,
    apiRateLimit: v.OPSDECK_API_RATE_LIMIT,
    apiRateLimitIp: v.OPSDECK_API_RATE_LIMIT_IP,
    probeConcurrency: v.OPSDECK_PROBE_CONCURRENCY,
    retentionDays: v.OPSDECK_RETENTION_DAYS,
    rawRetentionDays: v.OPSDECK_RAW_RETENTION_DAYS,
    logLevel: v.LOG_LEVEL,
    shutdownTimeoutMs: v.OPSDECK_SHUTDOWN_TIMEOUT_MS,
    dbWaitSeconds: v.OPSDECK_DB_WAIT_SECONDS,
    requestTimeoutMs: v.OPSDECK_REQUEST_TIMEOUT_MS,
    approvalWaitPollMs: v.OPSDECK_APPROVAL_WAIT_POLL_MS,
    statementTimeoutMs: v.OPSDECK_STATEMENT_TIMEOUT_MS,
    dbQueueMax: v.OPSDECK_DB_QUEUE_MAX,
    liveStreamsMax: v.OPSDECK_LIVE_STREAMS_MAX,
    metricsToken: v.OPSDECK_METRICS_TOKEN,
    version: v.OPSDECK_VERSION,
    revision: v.OPSDECK_REVISION,
    integrations: integrationSettings(env),
  };
  return { ...config, outbound: createOutboundPolicy(config) };
}

/** The configuration as the README's table shows it, secrets redacted. */
export function describeConfig(config: Config): Record<string, string> {
  return {
    database: config.databaseUrl ? redactUrl(config.databaseUrl) : `embedded under ${config.dataDir}`,
    listen: `${config.host}:${config.port}`,
    base_url: config.baseUrl ?? "(derived from each request)",
    smtp: config.smtpUrl ? redactUrl(config.smtpUrl) : "(off)",
    oidc: config.oidc?.issuer ?? "(off)",
    log_level: config.logLevel,
  };
}

export function redactUrl(value: string): string {
  try {
    const hosts = databaseHosts(value);
    const u = new URL(firstHostUrl(value));
    if (u.password) u.password = "***";
    return hosts.length > 1 ? u.toString().replace(`@${u.host}`, `@${hosts.join(",")}`) : u.toString();
  } catch {
    return "***";
  }
}

function isCidr(value: string): boolean {
  const [address, bits, extra] = value.split("/");
  if (extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const prefix = Number(bits);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    return prefix <= 32 && address.split(".").every((o) => Number(o) <= 255);
  }
  return address.includes(":") && prefix <= 128 && /^[0-9a-f:.]+$/i.test(address);
}
