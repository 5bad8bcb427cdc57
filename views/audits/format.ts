/** Small formatting shared by the audit views. */
import type { AuditView } from "../../services/audits/schemas.ts";

/** `2025-05-03T14:22:05.120Z` → `2025-05-03 14:22:05 UTC`: times on these pages are UTC, like the filters. */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** Who acted, in words: the recorded label, or what kind of actor it was. */
export function actorText(actor: AuditView["actor"]): string {
  return actor.label ?? (actor.type === "api_key" ? "API key" : actor.type === "user" ? "A user" : "System");
}

/** A JSON value as one readable line: strings bare, everything else as JSON. */
export function showValue(value: unknown): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** `/audits?…` (or `base?…`) for these filter values plus `extra`, leaving out blanks. */
export function auditsUrl(
  values: Record<string, string | undefined>,
  extra: Record<string, string> = {},
  base = "/audits",
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...values, ...extra })) {
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}
