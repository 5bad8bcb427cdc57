/**
 * A PostgreSQL URL may name several hosts, for failover:
 * `postgres://u@db1:5432,db2:5432/opsdeck?target_session_attrs=read-write`
 * (postgres.js tries them in order and keeps a connection only to a writable
 * one). WHATWG URL parsing refuses a host list, so these helpers split it off.
 */
const HOSTS = /^([a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?)([^/?#]*)(.*)$/i;

/** The URL with only its first host, for checks that parse it as a URL. */
export function firstHostUrl(value: string): string {
  const m = value.match(HOSTS);
  return m ? `${m[1]}${m[2].split(",")[0]}${m[3]}` : value;
}

/** The `host[:port]` entries of a (multi-host) URL. */
export function databaseHosts(value: string): string[] {
  return value.match(HOSTS)?.[2].split(",").filter(Boolean) ?? [];
}
