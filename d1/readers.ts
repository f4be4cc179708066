/** A reader known to the pipeline; the profile itself lives in the reader's Durable Object. */
export interface ReaderRow {
  id: string;
  name: string;
  createdAt: string;
  active: boolean;
}

interface RawReader {
  id: string;
  name: string;
  created_at: string;
  active: number;
}

function toReader(r: RawReader): ReaderRow {
  return { id: r.id, name: r.name, createdAt: r.created_at, active: r.active === 1 };
}

/** Registers a reader once; later calls leave the row as it is. */
export async function ensureReader(db: D1Database, id: string, name: string, now: Date): Promise<void> {
  await db
    .prepare("INSERT INTO readers (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")
    .bind(id, name, now.toISOString())
    .run();
}

/** Every active reader, in a stable order. */
export async function activeReaders(db: D1Database): Promise<ReaderRow[]> {
  const { results } = await db.prepare("SELECT * FROM readers WHERE active = 1 ORDER BY id").all<RawReader>();
  return results.map(toReader);
}
