/**
 * Whether a failed insert broke a unique constraint, on either dialect (PostgreSQL's `23505`, SQLite's
 * "UNIQUE constraint failed"): a code taken by a concurrent writer between the check and the insert, which the
 * caller reports as its own `…_exists` error.
 */
export const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: string })?.code === '23505' || /UNIQUE constraint failed/.test(String((error as Error)?.message));
