/**
 * What a data-source kind is: a folder under kinds/ and a line in
 * kinds/mod.ts. A kind validates its settings (split into the stored
 * non-secret part and the sealed secret), tests a connection, introspects the
 * columns and runs one read-only query under the limits.
 */
import type { z } from "@hono/zod-openapi";
import { AppError } from "../../platform/errors.ts";
import type { AddressPolicy } from "../../platform/net/policy.ts";
import type { Dialect } from "../sql_guard.ts";
import type { Sql } from "../../../db/client.ts";
import type { Parameter } from "../parameters.ts";

/** Bounds every run obeys; the defaults are docs/data-sources.md's. */
export interface RunLimits {
  timeoutMs: number;
  maxRows: number;
  /** Result size cap (JSON bytes): a wide result stops early rather than filling memory. */
  maxBytes: number;
}

export interface Column {
  name: string;
  type: string;
}

export interface QueryResult {
  columns: Column[];
  rows: unknown[][];
  /** True when maxRows or maxBytes stopped the read before the end of the result. */
  truncated: boolean;
  bytes: number;
}

export interface SchemaColumn {
  schema_name: string;
  table_name: string;
  column_name: string;
  ordinal: number;
  data_type: string;
  is_nullable: boolean;
  column_default: string | null;
}

/** A source opened for use: stored config, opened secret, and where the outbound policy lets it connect. */
export interface OpenSource {
  id: string;
  /** Changes whenever the settings do: cached connections of an older version are closed. */
  version: string;
  config: Record<string, unknown>;
  secret: Record<string, string>;
  policy: AddressPolicy;
  /** Opsdeck's own database: csv sources live in it (a schema and a role per source). */
  home?: Sql;
  /**
   * Whose data the opsdeck kind reads: the source's tenant, narrowed to a client user's client (null: all).
   * Set by openSource; the opsdeck kind refuses to run without both (kinds reading elsewhere ignore them).
   */
  tenantId?: string;
  clientId?: string | null;
}

export interface DataSourceKind {
  kind: string;
  /** SQL kinds name their dialect; the guard parses queries in it. */
  dialect: Dialect | null;
  /** The settings as the API takes them: secret fields included. */
  configSchema: z.ZodType;
  /** False when the data lives in Opsdeck (csv, opsdeck): nothing to connect to before it exists. */
  connects: boolean;
  /** One per tenant, made with the tenant (opsdeck): never created, deleted or offered in the add form. */
  builtIn?: true;
  /**
   * A kind whose queries are neither SQL nor a JSON path checks them itself (opsdeck: a shape's name and its
   * parameters): 422 naming `query_text` or `parameters.N.…`; the text to run and the parameters' order.
   */
  checkQuery?(text: string, parameters: Parameter[]): { text: string; order: string[] };
  /**
   * Validated settings → the stored non-secret part and the sealed secret
   * (undefined: none given, keep the stored one on update).
   */
  split(parsed: unknown): { config: Record<string, unknown>; secret: Record<string, string> | undefined };
  /** The host and port the policy must allow, when the kind connects somewhere. */
  target(config: Record<string, unknown>): { host: string; port: number } | null;
  test(source: OpenSource): Promise<{ serverVersion: string }>;
  introspect(source: OpenSource): Promise<SchemaColumn[]>;
  /**
   * `text` uses the kind's own bind markers ($1 / ?); `params` are bound, never spliced. A kind without a
   * dialect (rest_api) takes a JSON path as `text` and the parameters' `names` with their values.
   */
  run(source: OpenSource, text: string, params: unknown[], limits: RunLimits, names?: string[]): Promise<QueryResult>;
  /** Removes what the kind keeps for a deleted source outside its row (csv: its schema and role). */
  drop?(home: Sql, sourceId: string): Promise<void>;
  /** Closes cached connections of a source (deleted or changed), or of all sources. */
  close(sourceId?: string): Promise<void>;
}

/** The source cannot be reached or refuses us (wrong password, host refused): 502, shown as the source's error. */
export class SourceError extends AppError {
  constructor(detail: string) {
    super(502, "Data source unavailable", detail);
  }
}
