import { Issue } from "../src/issue";

/** A row of the archive list: enough to link to an issue. */
export interface IssueSummary {
  date: string;
  title: string;
  summary: string;
}

function toIssue(data: string): Issue {
  return Issue.parse(JSON.parse(data));
}

/** The issue of `readerId` for `date`, or null. */
export async function getIssue(db: D1Database, readerId: string, date: string): Promise<Issue | null> {
  const row = await db
    .prepare("SELECT data FROM issues WHERE reader_id = ? AND date = ?")
    .bind(readerId, date)
    .first<{ data: string }>();
  return row ? toIssue(row.data) : null;
}

/** The newest issue of `readerId`, or null when there is none yet. */
export async function latestIssue(db: D1Database, readerId: string): Promise<Issue | null> {
  const row = await db
    .prepare("SELECT data FROM issues WHERE reader_id = ? ORDER BY date DESC LIMIT 1")
    .bind(readerId)
    .first<{ data: string }>();
  return row ? toIssue(row.data) : null;
}

/** The newest `limit` issues of `readerId`, newest first. */
export async function listIssues(db: D1Database, readerId: string, limit: number): Promise<IssueSummary[]> {
  const { results } = await db
    .prepare("SELECT date, title, summary FROM issues WHERE reader_id = ? ORDER BY date DESC LIMIT ?")
    .bind(readerId, limit)
    .all<IssueSummary>();
  return results;
}

/** The newest `limit` full issues of `readerId` (for the Atom feed). */
export async function recentIssues(db: D1Database, readerId: string, limit: number): Promise<Issue[]> {
  const { results } = await db
    .prepare("SELECT data FROM issues WHERE reader_id = ? ORDER BY date DESC LIMIT ?")
    .bind(readerId, limit)
    .all<{ data: string }>();
  return results.map((r) => toIssue(r.data));
}

/**
 * Stores an issue and its items once: the (reader, date) key makes a second store of the same
 * day a no-op. Returns false when the day already had an issue (the stored one is kept).
 */
export async function insertIssue(db: D1Database, issue: Issue): Promise<boolean> {
  const insert = db
    .prepare(
      `INSERT INTO issues (reader_id, date, title, summary, data, run_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (reader_id, date) DO NOTHING`,
    )
    .bind(
      issue.readerId,
      issue.date,
      issue.title,
      issue.summary,
      JSON.stringify(issue),
      issue.runId ?? null,
      issue.generatedAt,
    );
  const [first] = await db.batch([insert]);
  if (!first || first.meta.changes === 0) return false;
  const rows = [
    ...issue.items.map((it) => ({
      id: it.candidateId,
      kind: it.kind,
      title: it.title,
      url: it.url,
      score: it.score,
    })),
    ...issue.videos.map((v) => ({
      id: v.candidateId,
      kind: "video",
      title: v.title,
      url: v.url,
      score: null,
    })),
  ];
  if (rows.length > 0) {
    await db.batch(
      rows.map((r, position) =>
        db
          .prepare(
            `INSERT INTO issue_items (reader_id, date, position, candidate_id, kind, title, url, score)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
          )
          .bind(issue.readerId, issue.date, position, r.id, r.kind, r.title, r.url, r.score),
      ),
    );
  }
  return true;
}

/**
 * A string that changes whenever `readerId`'s archive does (an issue added or replaced): archive
 * responses derived from it (navigation, the list, the feed) are cached under it.
 */
export async function archiveVersion(db: D1Database, readerId: string): Promise<string> {
  const row = await db
    .prepare(
      "SELECT COUNT(*) AS n, MAX(date) AS latest, MAX(created_at) AS built FROM issues WHERE reader_id = ?",
    )
    .bind(readerId)
    .first<{ n: number; latest: string | null; built: string | null }>();
  return `${row?.n ?? 0}|${row?.latest ?? ""}|${row?.built ?? ""}`;
}
