/**
 * The dead-letter record (`dead_letters`): every queue job that failed, with its last error and how
 * many attempts it took, and — once the queue gave up on it — when it died. Typed queries with a
 * row mapper over `SqlDatabase` (D1's API, see `d1/ledger.ts`).
 */
import type { SqlDatabase } from "./ledger";

export type DeadLetterKind = "build" | "deliver" | "unknown";

/** What a job is, read from its queue message body. */
export interface QueueJob {
  /** Stable per job: the same build or delivery, sent again, has the same key. */
  job: string;
  kind: DeadLetterKind;
  readerId: string | null;
  date: string | null;
  subscriptionId: string | null;
  channel: string | null;
  body: string;
}

export interface DeadLetter extends QueueJob {
  attempts: number;
  lastError: string | null;
  deaths: number;
  firstFailedAt: string;
  updatedAt: string;
  deadAt: string | null;
}

interface RawDeadLetter {
  job: string;
  kind: DeadLetterKind;
  reader_id: string | null;
  issue_date: string | null;
  subscription_id: string | null;
  channel: string | null;
  body: string;
  attempts: number;
  last_error: string | null;
  deaths: number;
  first_failed_at: string;
  updated_at: string;
  dead_at: string | null;
}

function toDeadLetter(r: RawDeadLetter): DeadLetter {
  return {
    job: r.job,
    kind: r.kind,
    readerId: r.reader_id,
    date: r.issue_date,
    subscriptionId: r.subscription_id,
    channel: r.channel,
    body: r.body,
    attempts: r.attempts,
    lastError: r.last_error,
    deaths: r.deaths,
    firstFailedAt: r.first_failed_at,
    updatedAt: r.updated_at,
    deadAt: r.dead_at,
  };
}

const UPSERT_COLUMNS = `(job, kind, reader_id, issue_date, subscription_id, channel, body, attempts, last_error,
   deaths, first_failed_at, updated_at, dead_at)`;

function jobValues(j: QueueJob): unknown[] {
  return [j.job, j.kind, j.readerId, j.date, j.subscriptionId, j.channel, j.body];
}

/** Counts one failed attempt of `job` and keeps its error (the consumer calls this before a retry). */
export async function recordFailure(db: SqlDatabase, job: QueueJob, error: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await db
    .prepare(
      `INSERT INTO dead_letters ${UPSERT_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, 0, ?, ?, NULL)
       ON CONFLICT (job) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error,
         updated_at = excluded.updated_at`,
    )
    .bind(...jobValues(job), error.slice(0, 1000), at, at)
    .run();
}

/**
 * Records that the queue gave up on `job` (the dead-letter queue's consumer). A job that never
 * reported a failure (its consumer died with it) still gets a row, with no error.
 */
export async function recordDead(db: SqlDatabase, job: QueueJob, now: Date): Promise<void> {
  const at = now.toISOString();
  await db
    .prepare(
      `INSERT INTO dead_letters ${UPSERT_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL, 1, ?, ?, ?)
       ON CONFLICT (job) DO UPDATE SET deaths = deaths + 1, dead_at = excluded.dead_at,
         updated_at = excluded.updated_at, body = excluded.body`,
    )
    .bind(...jobValues(job), at, at, at)
    .run();
}

/** The jobs the queue gave up on, most recent death first. */
export async function listDeadLetters(db: SqlDatabase, limit: number): Promise<DeadLetter[]> {
  const { results } = await db
    .prepare("SELECT * FROM dead_letters WHERE dead_at IS NOT NULL ORDER BY dead_at DESC, job LIMIT ?")
    .bind(limit)
    .all<RawDeadLetter>();
  return results.map(toDeadLetter);
}
