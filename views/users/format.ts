/** Short UTC times for admin tables; the <time> element carries the exact instant. */
export function shortTime(date: Date): string {
  return date.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

export const STATUS_BADGE: Record<string, string> = {
  active: "badge-up",
  invited: "badge-invited",
  suspended: "badge-down",
  inactive: "badge-inactive",
};
