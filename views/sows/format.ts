/** How SOW facts read in tables: dates as written, money with its currency. */
import type { SowRow } from "../../db/queries/sows.ts";

export const SOW_STATUS_BADGE: Record<SowRow["status"], string> = {
  draft: "badge-draft",
  signed: "badge-signed",
  active: "badge-up",
  closed: "badge-closed",
};

/** "12,500.00 EUR"; the amount is grouped by hand so it never becomes a float. */
export function money(value: string | null, currency: string | null): string | null {
  if (value === null) return null;
  const [whole, fraction] = value.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${grouped}.${fraction}${currency ? ` ${currency}` : ""}`;
}

/** "2025-03-15 → 2025-09-30", or whichever end is known. */
export function period(startsOn: string | null, endsOn: string | null): string | null {
  if (!startsOn && !endsOn) return null;
  return `${startsOn ?? "…"} → ${endsOn ?? "…"}`;
}
