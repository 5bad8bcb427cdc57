/** Check-then-insert leaves a race; the unique index decides it, and this recognises its answer. */
export function isUniqueViolation(error: unknown, index: string): boolean {
  const e = error as { code?: string; constraint_name?: string };
  return e?.code === "23505" && e.constraint_name === index;
}
