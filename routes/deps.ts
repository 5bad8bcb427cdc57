/** What the HTTP layer is built from; tests pass their own clock and database. */
import type { Sql } from "../db/client.ts";
import type { Migration } from "../db/migrate.ts";
import type { Config } from "../services/platform/config.ts";
import type { Logger } from "../services/platform/logger.ts";
import type { Telemetry } from "../services/runtime/telemetry/mod.ts";
import type { DatabaseInfo } from "../services/system/status.ts";
import type { Principal } from "../services/auth/permissions.ts";
import type { LoginThrottles } from "../services/auth/throttle.ts";
import type { DatabaseTroubles } from "../services/system/database_troubles.ts";
import type { PublicPageCaches } from "../services/status_pages/public_cache.ts";
import type { ApiKeyCache } from "../services/auth/api_key_cache.ts";
import type { ActivityRecorder } from "../services/insights/activity_recorder.ts";
import type { LiveHub } from "../services/live/hub.ts";

export interface AppDeps {
  sql: Sql;
  config: Config;
  logger: Logger;
  migrations: Migration[];
  metrics: Telemetry;
  database: DatabaseInfo;
  /** The pool's application_name, so /metrics can count its connections. */
  applicationName: string;
  poolMax: number;
  startedAt: number;
  now: () => Date;
  /** OPSDECK_SECRET as resolved at start-up (generated into the data dir when unset). */
  secret: string;
  throttles: LoginThrottles;
  /** Database troubles met by requests: counted, and reported by /readyz. */
  troubles: DatabaseTroubles;
  /** Recently verified API keys; cleared on every replica when the auth tables change. */
  apiKeys: ApiKeyCache;
  /** Cached public status-page views; absent: the route makes its own (then only this process's changes clear it). */
  publicPages?: PublicPageCaches;
  /** Product activity, batched off the request path; absent: not recorded. */
  activity?: ActivityRecorder;
  /** Live-page wake-ups fanned out to this process's streams; absent: /ui/live answers 503 and pages poll. */
  live?: LiveHub;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    deps: AppDeps;
    principal: Principal | null;
    /** How the principal proved itself; CSRF checks apply to "cookie" only. */
    authVia: "bearer" | "cookie" | null;
  };
}
