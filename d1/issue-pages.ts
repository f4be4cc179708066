/** The stored rendering of an issue's content (see migration 0005): rendered once, served many times. */

/** The stored content HTML of `readerId`'s issue of `date` when it was rendered as `variant`, else null. */
export async function getIssuePage(
  db: D1Database,
  readerId: string,
  date: string,
  variant: string,
): Promise<string | null> {
  const row = await db
    .prepare("SELECT html FROM issue_pages WHERE reader_id = ? AND date = ? AND variant = ?")
    .bind(readerId, date, variant)
    .first<{ html: string }>();
  return row?.html ?? null;
}

/**
 * Stores the content HTML of an issue. Two first requests may race: both rendered the same bytes, so
 * the later write is harmless; a row of another variant is replaced.
 */
export async function putIssuePage(
  db: D1Database,
  readerId: string,
  date: string,
  variant: string,
  html: string,
  now: Date,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO issue_pages (reader_id, date, variant, html, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (reader_id, date) DO UPDATE SET variant = excluded.variant, html = excluded.html,
         created_at = excluded.created_at
       WHERE issue_pages.variant <> excluded.variant`,
    )
    .bind(readerId, date, variant, html, now.toISOString())
    .run();
}
