/** The date (YYYY-MM-DD, UTC) of an instant. */
export function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}
