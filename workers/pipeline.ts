import { z } from "zod";
import { candidatesByIds, candidatesOfDay, upsertCandidates } from "../d1/candidates";
import { getIssue, insertIssue, listIssues } from "../d1/issues";
import { d1PaperCache } from "../d1/papers";
import { activeReaders, ensureReader } from "../d1/readers";
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
import type { Writer } from "../src/writeup/types";
import type { Bindings } from "./config";
import { enqueueDelivery } from "./delivery";
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
    const profiles = await Promise.all(readers.map((r) => env.READER_STATE.getByName(r.id).getProfile()));
    const union = (pick: (p: NonNullable<(typeof profiles)[number]>) => string[]) => [
      ...new Set(profiles.flatMap((p) => (p ? pick(p) : []))),
    ];
    const ctx = sourceContext(env, cfg, () => now);
    const categories = union((p) => p.categories);
    const { candidates, reports } = await gatherDaily(ctx, {
      date,
      categories: categories.length > 0 ? categories : ctx.config.arxivCategories,
      interests: union((p) => p.interests),
      youtubeChannels: union((p) => p.youtubeChannels),
    });
    await upsertCandidates(env.DB, candidates, date);
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
 * The day's corpus, kept per isolate: a queue batch builds many readers' issues from the same
 * day, and the reader-independent text work (≈250 ms) is then paid once instead of per reader.
 */
let dayCorpus: { key: string; corpus: Corpus } | undefined;

function corpusOf(day: Candidate[], key: string): Corpus {
  if (dayCorpus?.key !== key) dayCorpus = { key, corpus: prepareCorpus(day) };
  return dayCorpus.corpus;
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
    const day = await candidatesOfDay(env.DB, job.date);
    const unseen = await reader.filterUnseen(day.map((c) => identityKeys(c)));
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
      corpus: corpusOf(day, `${job.date}/${job.runId}`),
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
      writer: writerFor(env, cfg),
      ...(dense ? { embeddings: dense } : {}),
      lookups: {
        authorTalks: (pick) => findAuthorTalks(ctx, pick),
        discussion: (pick) => findDiscussion(ctx, pick),
        // once per distinct pick: the D1 cache is shared by every reader's build job
        paper: (pick) =>
          readPaper(pick, {
            fetch: ctx.fetch,
            eprintUrl: ctx.config.arxivEprintUrl,
            htmlUrl: ctx.config.arxivHtmlUrl,
            cache: d1PaperCache(env.DB, () => now),
            userAgent: ctx.config.userAgent,
            clock: () => performance.now(),
          }),
      },
    });
    if (await insertIssue(env.DB, composed.issue)) {
      status = "built";
      shown = composed.shown;
      await countIssueBuilt(env.DB, job.runId);
    }
  }
  if (status === "existed") shown = await shownIn(env.DB, job.readerId, job.date);
  await reader.markSeen(
    shown.map((c) => ({ keys: identityKeys(c), date: job.date, title: c.title, summary: c.summary })),
  );
  await enqueueDelivery(env, job.readerId, job.date);
  return status;
}
