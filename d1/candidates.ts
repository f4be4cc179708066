import { Candidate } from "../src/candidate";

/** Upper bound of statements per D1 batch call; keeps each call well inside Workers limits. */
const BATCH = 100;

/**
 * Upserts the day's candidates and their aliases. A candidate seen again keeps its first_seen
 * and gets the newest data (signals merged upstream).
 */
export async function upsertCandidates(db: D1Database, candidates: Candidate[], date: string): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  for (const c of candidates) {
    statements.push(
      db
        .prepare(
          `INSERT INTO candidates (id, kind, title, url, published, sources, data, first_seen, last_seen)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET title = excluded.title, url = excluded.url, sources = excluded.sources,
             data = excluded.data, last_seen = excluded.last_seen`,
        )
        .bind(
          c.id,
          c.kind,
          c.title,
          c.url,
          c.published ?? null,
          c.sources.join(","),
          JSON.stringify(c),
          date,
          date,
        ),
    );
    for (const alias of c.aliases) {
      statements.push(
        db
          .prepare(
            "INSERT INTO candidate_aliases (alias, candidate_id) VALUES (?, ?) ON CONFLICT (alias) DO NOTHING",
          )
          .bind(alias, c.id),
      );
    }
  }
  for (let i = 0; i < statements.length; i += BATCH) {
    await db.batch(statements.slice(i, i + BATCH));
  }
}

/** The candidates gathered for `date` (the pool every reader's issue of that day is chosen from). */
export async function candidatesOfDay(db: D1Database, date: string): Promise<Candidate[]> {
  const { results } = await db
    .prepare("SELECT data FROM candidates WHERE last_seen = ? ORDER BY id")
    .bind(date)
    .all<{ data: string }>();
  const out: Candidate[] = [];
  for (const r of results) {
    const parsed = Candidate.safeParse(JSON.parse(r.data));
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

/** The stored candidates with these canonical ids (unknown ids are skipped). */
export async function candidatesByIds(db: D1Database, ids: string[]): Promise<Candidate[]> {
  if (ids.length === 0) return [];
  const { results } = await db
    .prepare(`SELECT data FROM candidates WHERE id IN (${ids.map(() => "?").join(",")})`)
    .bind(...ids)
    .all<{ data: string }>();
  return results.flatMap((r) => {
    const parsed = Candidate.safeParse(JSON.parse(r.data));
    return parsed.success ? [parsed.data] : [];
  });
}
