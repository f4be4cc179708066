/**
 * What the morning computes once per candidate and shares between readers: the reader-independent
 * write-up fields and the author-talk / discussion look-ups of each pick.
 */
import { z } from "zod";
import { Candidate } from "../src/candidate";
import { Discussion } from "../src/issue";
import type { SharedWriteup, WriteupStore } from "../src/writeup/shared";

const SharedWriteupRow = z.object({
  domain: z.string(),
  timeCost: z.string(),
  intuition: z.string(),
  punch: z.string(),
  significance: z.string(),
});

/** Shared write-ups in D1 (`writeups`), one row per (date, candidate). */
export function d1WriteupStore(db: D1Database): WriteupStore {
  return {
    async get(date, candidateId): Promise<SharedWriteup | undefined> {
      const row = await db
        .prepare("SELECT data FROM writeups WHERE date = ? AND candidate_id = ?")
        .bind(date, candidateId)
        .first<{ data: string }>();
      if (!row) return undefined;
      const parsed = SharedWriteupRow.safeParse(JSON.parse(row.data));
      return parsed.success ? parsed.data : undefined;
    },
    async put(date, candidateId, writer, writeup) {
      await db
        .prepare(
          `INSERT INTO writeups (date, candidate_id, writer, data, created_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (date, candidate_id) DO NOTHING`,
        )
        .bind(date, candidateId, writer, JSON.stringify(writeup), new Date().toISOString())
        .run();
    },
  };
}

/** A pick's look-ups: talks by its authors and a discussion thread. */
export interface PickLookupResult {
  talks: Candidate[];
  discussion: Discussion | undefined;
}

/** The cached look-ups of `candidateId` on `date`, or undefined when none were made yet. */
export async function getPickLookups(
  db: D1Database,
  date: string,
  candidateId: string,
): Promise<PickLookupResult | undefined> {
  const row = await db
    .prepare("SELECT talks, discussion FROM pick_lookups WHERE date = ? AND candidate_id = ?")
    .bind(date, candidateId)
    .first<{ talks: string; discussion: string | null }>();
  if (!row) return undefined;
  const talks = z.array(Candidate).safeParse(JSON.parse(row.talks));
  const discussion = row.discussion ? Discussion.safeParse(JSON.parse(row.discussion)) : undefined;
  return {
    talks: talks.success ? talks.data : [],
    discussion: discussion?.success ? discussion.data : undefined,
  };
}

export async function putPickLookups(
  db: D1Database,
  date: string,
  candidateId: string,
  result: PickLookupResult,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO pick_lookups (date, candidate_id, talks, discussion, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (date, candidate_id) DO NOTHING`,
    )
    .bind(
      date,
      candidateId,
      JSON.stringify(result.talks),
      result.discussion ? JSON.stringify(result.discussion) : null,
      new Date().toISOString(),
    )
    .run();
}
