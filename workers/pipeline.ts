import { z } from "zod";
import { candidatesByIds, candidatesOfDay, upsertCandidates } from "../d1/candidates";
import { d1WriteupStore, getPickLookups, type PickLookupResult, putPickLookups } from "../d1/day-cache";
import { getIssue, insertIssue, listIssues } from "../d1/issues";
import { d1PaperCache } from "../d1/papers";
import { activeReaders, ensureReader, setGatherHints } from "../d1/readers";
import { countIssueBuilt, finishRun, getRun, recordIngest, type SourceCount, startRun } from "../d1/runs";
import { type Candidate, SourceName } from "../src/candidate";
import { utcDate } from "../src/clock";
import type { Config } from "../src/config";
import { identityKeys } from "../src/identity";
import { readPaper } from "../src/paper";
import { type ComposeInput, composeIssue } from "../src/pipeline";
import { type Corpus, cachedEmbedder, type Embedder, prepareCorpus, workersAiEmbedder } from "../src/scoring";
import { findAuthorTalks, findDiscussion, gatherDaily } from "../src/sources";
import { deterministicWriter } from "../src/writeup/deterministic";
import { createLlmWriter, openAiCompatibleRunner, workersAiRunner } from "../src/writeup/llm";
import { sharedWriter } from "../src/writeup/shared";
import type { Writer } from "../src/writeup/types";
import type { Bindings } from "./config";
import { enqueueDelivery } from "./delivery";
import { loadDaySnapshot, saveDaySnapshot } from "./snapshot";
import { sourceContext } from "./sources";

/** A queue message asking for one reader's issue of one day. */
export const BuildMessage = z.object({
  type: z.literal("build"),
  readerId: z.string(),
  date: z.string(),
  runId: z.string(),
});
export type BuildMessage = z.infer<typeof BuildMessage>;

export interface DailyRun {
  runId: string;
  date: string;
  readers: string[];
  candidates: number;
}

/**
 * The morning job: gather candidates once from every source (a failing source degrades the day,
 * never aborts it), store them, and fan out one build job per reader through the queue.
 */
export async function runDaily(
  env: Bindings,
  cfg: Config,
  opts: { date?: string; trigger: string; now?: Date },
): Promise<DailyRun> {
  const now = opts.now ?? new Date();
  const date = opts.date ?? utcDate(now);
  const runId = `${date}-${crypto.randomUUID().slice(0, 8)}`;
  await ensureReader(env.DB, cfg.site.publicReader, "Public reader", now);
  await startRun(env.DB, runId, date, opts.trigger, now);
  try {
    const readers = await activeReaders(env.DB);
    // One gathering for every reader: the public reader's profile plus the union of what each
    // reader's row mirrors (categories, liked papers), so no reader's Durable Object is woken here.
    const publicState = env.READER_STATE.getByName(cfg.site.publicReader);
    const [publicProfile, publicLiked] = await Promise.all([
      publicState.getProfile(),
      publicState.likedIds(),
    ]);
    const ctx = sourceContext(env, cfg, () => now);
    const categories = [
      ...new Set([...(publicProfile?.categories ?? []), ...readers.flatMap((r) => r.categories)]),
    ];
    const { candidates, reports } = await gatherDaily(ctx, {
      date,
      categories: categories.length > 0 ? categories : ctx.config.arxivCategories,
      interests: publicProfile?.interests ?? [],
      youtubeChannels: publicProfile?.youtubeChannels ?? [],
      likedIds: likedUnion([publicLiked, ...readers.map((r) => r.liked)]),
    });
    await upsertCandidates(env.DB, candidates, date);
    await saveDaySnapshot(env, date, runId, await candidatesOfDay(env.DB, date));
    const counts: Record<string, SourceCount> = {};
    for (const r of reports) {
      counts[r.source] = { candidates: r.candidates.length, failures: r.failures.length, quiet: r.quiet };
    }
    await recordIngest(
      env.DB,
      runId,
      counts,
      reports.flatMap((r) => r.failures),
    );
    const messages = readers.map((r) => ({
      body: { type: "build", readerId: r.id, date, runId } satisfies BuildMessage,
    }));
    for (let i = 0; i < messages.length; i += 100)
      await env.DELIVERY_QUEUE.sendBatch(messages.slice(i, i + 100));
    await finishRun(env.DB, runId, new Date());
    return { runId, date, readers: readers.map((r) => r.id), candidates: candidates.length };
  } catch (err) {
    await finishRun(env.DB, runId, new Date(), "failed", {
      source: "pipeline",
      kind: "crash",
      message: String(err),
    });
    throw err;
  }
}

/** Semantic Scholar takes a bounded list of positive papers: the most-liked ones across readers. */
const LIKED_MAX = 100;

/** Every reader's liked papers, most shared first, capped. */
export function likedUnion(lists: string[][]): string[] {
  const counts = new Map<string, number>();
  for (const list of lists) for (const id of new Set(list)) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, LIKED_MAX)
    .map(([id]) => id);
}

function writerFor(env: Bindings, { writer }: Config): Writer {
  if (writer.kind !== "llm") return deterministicWriter;
  const run = writer.apiUrl
    ? openAiCompatibleRunner((i, init) => fetch(i, init), writer.apiUrl, writer.apiKey, writer.model)
    : env.AI
      ? workersAiRunner(env.AI, writer.model)
      : undefined;
  return run
    ? createLlmWriter({ run, fallback: deterministicWriter, log: (m) => console.warn(m) })
    : deterministicWriter;
}

/**
 * The embedder of `EMBEDDINGS=workers-ai`, kept per isolate with its vectors: every reader's job
 * of a day embeds the same candidates (about 1,600 texts, ~10 MB of vectors; at most 2,500 kept).
 */
let embeddings: { ai: NonNullable<Bindings["AI"]>; embedder: Embedder } | undefined;

function embeddingsFor(env: Bindings, { scoring }: Config): ComposeInput["embeddings"] {
  if (scoring.embeddings !== "workers-ai") return undefined;
  if (!env.AI) {
    console.warn(
      JSON.stringify({ embeddings: "EMBEDDINGS=workers-ai without an AI binding: lexical ranking" }),
    );
    return undefined;
  }
  if (embeddings?.ai !== env.AI) {
    embeddings = { ai: env.AI, embedder: cachedEmbedder(workersAiEmbedder(env.AI), 2500) };
  }
  return {
    embedder: embeddings.embedder,
    onError: (err) =>
      console.warn(JSON.stringify({ embeddings: "failed, lexical ranking", error: String(err) })),
  };
}

/**
 * The day's pool and corpus, kept per isolate: a queue batch builds many readers' issues from the
 * same day, so the snapshot is read and the reader-independent text work (≈250 ms) done once per
 * isolate instead of per reader.
 */
interface DayPool {
  key: string;
  day: Candidate[];
  corpus: Corpus;
  /** Every identity of each candidate, for the reader's seen-set check. */
  keys: string[][];
}

let dayPool: DayPool | undefined;

async function poolOf(env: Bindings, date: string, runId: string): Promise<DayPool> {
  const key = `${date}/${runId}`;
  if (dayPool?.key !== key) {
    const day = (await loadDaySnapshot(env, date, runId)) ?? (await candidatesOfDay(env.DB, date));
    dayPool = { key, day, corpus: prepareCorpus(day), keys: day.map((c) => identityKeys(c)) };
  }
  return dayPool;
}

/** At most this many entries per isolate memo (a day has a few hundred distinct picks at most). */
const MEMO_MAX = 2000;

/** A promise per key, kept per isolate: concurrent and later jobs of the isolate share it. */
function memoPerIsolate<T>(memo: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let hit = memo.get(key);
  if (!hit) {
    if (memo.size >= MEMO_MAX) memo.clear();
    hit = make();
    memo.set(key, hit);
  }
  return hit;
}

/** The paper sources read by this isolate's jobs, per candidate and day. */
const paperMemo = new Map<string, ReturnType<typeof readPaper>>();

/** Look-ups per candidate and day, shared by every reader's job: per isolate, then in D1. */
const lookupMemo = new Map<string, Promise<PickLookupResult>>();

function pickLookups(
  env: Bindings,
  date: string,
  ctx: ReturnType<typeof sourceContext>,
  pick: Candidate,
): Promise<PickLookupResult> {
  const key = `${date}|${pick.id}`;
  let hit = lookupMemo.get(key);
  if (!hit) {
    hit = (async () => {
      const stored = await getPickLookups(env.DB, date, pick.id);
      if (stored) return stored;
      const [talks, discussion] = await Promise.all([
        findAuthorTalks(ctx, pick).catch(() => []),
        findDiscussion(ctx, pick).catch(() => undefined),
      ]);
      const result = { talks, discussion };
      await putPickLookups(env.DB, date, pick.id, result);
      return result;
    })();
    if (lookupMemo.size > 2000) lookupMemo.clear();
    lookupMemo.set(key, hit);
  }
  return hit;
}

/** What a stored issue showed, with every identity of each work (for the seen set). */
async function shownIn(db: D1Database, readerId: string, date: string): Promise<Candidate[]> {
  const issue = await getIssue(db, readerId, date);
  if (!issue) return [];
  return candidatesByIds(db, [
    ...issue.items.map((i) => i.candidateId),
    ...issue.videos.map((v) => v.candidateId),
  ]);
}

/**
 * Builds, stores and queues for delivery one reader's issue. Safe to run again for the same day:
 * an existing issue is kept (one issue per reader per day), its picks are marked seen again
 * (idempotent) and delivery is re-queued (the ledger sends nothing twice).
 */
export async function buildReaderIssue(
  env: Bindings,
  cfg: Config,
  job: BuildMessage,
  now = new Date(),
): Promise<"built" | "existed"> {
  const reader = env.READER_STATE.getByName(job.readerId);
  const existing = (await getIssue(env.DB, job.readerId, job.date)) !== null;
  let status: "built" | "existed" = "existed";
  let shown: Candidate[] = [];
  if (!existing) {
    const [profile, model, rules, previous] = await Promise.all([
      reader.getProfile(),
      reader.readerModel(),
      reader.listRules(),
      listIssues(env.DB, job.readerId, 1),
    ]);
    if (!profile) throw new Error(`reader ${job.readerId} has no profile`);
    const feedback = await reader.listFeedback(previous[0]?.date);
    const { day, corpus, keys } = await poolOf(env, job.date, job.runId);
    const unseen = await reader.filterUnseen(keys);
    const pool = day.filter((_, i) => unseen[i]);
    const run = await getRun(env.DB, job.runId);
    const ctx = sourceContext(env, cfg, () => now);
    const dense = embeddingsFor(env, cfg);
    const composed = await composeIssue({
      readerId: job.readerId,
      date: job.date,
      now,
      runId: job.runId,
      pool,
      corpus,
      model,
      profile,
      rules,
      feedback,
      failures: (run?.errors ?? []).flatMap((e) => {
        const source = SourceName.safeParse(e.source);
        return source.success ? [{ ...e, source: source.data }] : [];
      }),
      quiet: Object.entries(run?.sourceCounts ?? {}).flatMap(([s, c]) => {
        const source = SourceName.safeParse(s);
        return c.quiet && source.success ? [source.data] : [];
      }),
      writer: sharedWriter(writerFor(env, cfg), d1WriteupStore(env.DB), job.date),
      ...(dense ? { embeddings: dense } : {}),
      lookups: {
        authorTalks: async (pick) => (await pickLookups(env, job.date, ctx, pick)).talks,
        discussion: async (pick) => (await pickLookups(env, job.date, ctx, pick)).discussion,
        // once per distinct pick: the D1 cache is shared by every reader's build job, and the
        // isolate keeps what it read for the next readers of its batch
        paper: (pick) =>
          memoPerIsolate(paperMemo, `${job.date}|${pick.id}`, () =>
            readPaper(pick, {
              fetch: ctx.fetch,
              eprintUrl: ctx.config.arxivEprintUrl,
              htmlUrl: ctx.config.arxivHtmlUrl,
              cache: d1PaperCache(env.DB, () => now),
              userAgent: ctx.config.userAgent,
              clock: () => performance.now(),
            }),
          ),
      },
    });
    if (await insertIssue(env.DB, composed.issue)) {
      status = "built";
      shown = composed.shown;
      await countIssueBuilt(env.DB, job.runId);
    }
  }
  if (status === "existed") shown = await shownIn(env.DB, job.readerId, job.date);
  // The reader's categories and liked papers, mirrored for the next morning's single gathering.
  const [profile, liked] = await Promise.all([reader.getProfile(), reader.likedIds()]);
  await setGatherHints(env.DB, job.readerId, {
    ...(profile ? { categories: profile.categories } : {}),
    liked,
  });
  await reader.markSeen(
    shown.map((c) => ({ keys: identityKeys(c), date: job.date, title: c.title, summary: c.summary })),
  );
  await enqueueDelivery(env, job.readerId, job.date);
  return status;
}
