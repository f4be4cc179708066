import { type PaperCache, PaperContext } from "../src/paper";

/**
 * The paper cache in D1 (`paper_sources`, migration 0006): one row per arXiv id, shared by every reader.
 * A row that no longer parses (an older shape) counts as a miss and is read again.
 */
export function d1PaperCache(db: D1Database, now: () => Date = () => new Date()): PaperCache {
  return {
    async get(arxivId) {
      const row = await db
        .prepare("SELECT data FROM paper_sources WHERE arxiv_id = ?")
        .bind(arxivId)
        .first<{ data: string }>();
      if (!row) return undefined;
      const parsed = PaperContext.safeParse(JSON.parse(row.data));
      return parsed.success ? parsed.data : undefined;
    },
    async put(arxivId, paper) {
      await db
        .prepare(
          `INSERT INTO paper_sources (arxiv_id, source, data, bytes_in, bytes_out, cpu_ms, read_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (arxiv_id) DO UPDATE SET source = excluded.source, data = excluded.data,
             bytes_in = excluded.bytes_in, bytes_out = excluded.bytes_out, cpu_ms = excluded.cpu_ms,
             read_at = excluded.read_at`,
        )
        .bind(
          arxivId,
          paper.source,
          JSON.stringify(paper),
          paper.cost?.bytesIn ?? null,
          paper.cost?.bytesOut ?? null,
          paper.cost?.cpuMs ?? null,
          now().toISOString(),
        )
        .run();
    },
  };
}
