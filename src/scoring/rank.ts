/**
 * Ranking: scores every candidate of a pool for one reader and orders them. A run prepares the
 * reader's side once (BM25 statistics, query vectors, facets, lenses), measures each candidate
 * with the typed-array engine, gathers the evidence the relevance formula takes, and explains it.
 */
import type { Candidate } from "../candidate";
import type { Rule } from "../issue";
import { LexicalIndex } from "./bm25";
import { type Corpus, prepareCorpus } from "./corpus";
import { blend, type DenseSims, denseSimilarities } from "./dense";
import type { Embedder } from "./embedder";
import { facetsMatched, type LocalFacet, localFacets, RunTerms, runVector, SimilarityEngine } from "./engine";
import { type Explanation, explain } from "./explain";
import { knownLensIndex, unknownLensWords } from "./lenses";
import type { ReaderModel } from "./model";
import { type ReaderVectors, readerVectors } from "./reader-vectors";
import { interestSimilarity, maxOf, RELEVANCE_WEIGHTS, relevanceOf, saturate, scoreOf } from "./relevance";
import { assessSignals } from "./signals";

export interface ScoredCandidate {
  candidate: Candidate;
  /** Final ordering score: relevance plus the relevance-gated signal bonus. */
  score: number;
  /** Topical relevance to this reader in [0, 1]; the selection threshold applies to this. */
  relevance: number;
  explanation: Explanation;
  /** Topic slugs from the taxonomy (e.g. "optimal-transport", "attention"). */
  tags: string[];
  /** The interest statement it matched best (its diversity cluster), if any matched. */
  cluster?: string;
}

/** Options of a ranking run. */
export interface RankOptions {
  /** The ranking instant; recency is judged against it. */
  now: Date;
  /**
   * The pool analysed in advance (`prepareCorpus`), shared by every reader ranked against the
   * same candidates: `candidates` may be all of them or any subset (the pool less what this
   * reader has seen). The ranking is the same as without it. A corpus that does not cover
   * `candidates` as they are now (an unknown id, a changed text) is not used.
   */
  corpus?: Corpus;
}

/** A candidate belongs to the cluster of its best interest from this closeness on. */
const CLUSTER_CLOSENESS = 0.2;

/**
 * Scores every candidate for the reader and returns them best first. Asynchronous only because an
 * optional embedder is; without one, `rankCandidatesSync` gives the same result synchronously.
 * With `onEmbedderError`, a failing embedder leaves the lexical ranking (the error goes there);
 * without it, the error is thrown.
 */
export async function rankCandidates(
  candidates: readonly Candidate[],
  model: ReaderModel,
  opts: RankOptions & { embedder?: Embedder; onEmbedderError?: (err: unknown) => void },
): Promise<ScoredCandidate[]> {
  let dense: DenseSims | undefined;
  if (opts.embedder) {
    try {
      dense = await denseSimilarities(opts.embedder, candidates, model);
    } catch (err) {
      if (!opts.onEmbedderError) throw err;
      opts.onEmbedderError(err);
    }
  }
  return rankWith(candidates, model, opts, dense);
}

/** The lexical default scorer, synchronously (CLI, benchmarks). */
export function rankCandidatesSync(
  candidates: readonly Candidate[],
  model: ReaderModel,
  opts: RankOptions,
): ScoredCandidate[] {
  return rankWith(candidates, model, opts, undefined);
}

/** A lens of the reader, resolved once per run: a known lens by index, or the words it needs. */
interface RunLens {
  lens: string;
  /** Index of its known cues, or -1. */
  known: number;
  /** For an unknown lens, its distinctive words (all must appear); empty never matches. */
  words: number[];
}

/** Everything a ranking run shares across its candidates. */
interface Run {
  corpus: Corpus;
  reader: ReaderVectors;
  now: Date;
  dense: DenseSims | undefined;
  preferred: Set<string>;
  /** Its reader vectors in this order: interests, references, liked, disliked, feedback. */
  engine: SimilarityEngine;
  facets: LocalFacet[][];
  domains: ({ facets: LocalFacet[]; topics: Set<string> } | undefined)[];
  lenses: RunLens[];
}

function rankWith(
  candidates: readonly Candidate[],
  model: ReaderModel,
  opts: RankOptions,
  dense: DenseSims | undefined,
): ScoredCandidate[] {
  let corpus = opts.corpus;
  let docs = corpus?.documentsOf(candidates);
  if (!corpus || !docs) {
    corpus = prepareCorpus(candidates);
    docs = Int32Array.from(candidates, (_, i) => i);
  }
  const index = LexicalIndex.ofPool(corpus, docs);
  const reader = readerVectors(model, index);

  const terms = new RunTerms();
  const vectors = [
    ...reader.interests.map((q) => runVector(q.vector, terms)),
    ...reader.references.map((r) => runVector(r.vector, terms)),
    ...reader.liked.map((r) => runVector(r.vector, terms)),
    ...reader.disliked.map((r) => runVector(r.vector, terms)),
    runVector(reader.feedback, terms),
  ];
  // Facet and lens words join the run's terms before the engine maps the corpus onto them.
  const facets = reader.facets.map((f) => localFacets(f, terms, index));
  const domains = reader.domains.map((domain) =>
    domain ? { facets: localFacets(domain.facets, terms, index), topics: domain.topics } : undefined,
  );
  const lenses = model.profile.lenses.map((lens): RunLens => {
    const known = knownLensIndex(lens);
    return { lens, known, words: known >= 0 ? [] : unknownLensWords(lens).map((w) => terms.add(w, false)) };
  });
  const run: Run = {
    corpus,
    reader,
    now: opts.now,
    dense,
    preferred: preferredTopics(model.rules),
    engine: new SimilarityEngine(corpus, docs, index, terms, vectors),
    facets,
    domains,
    lenses,
  };

  const scored = candidates.map((c, i) => {
    const d = docs[i] as number;
    run.engine.measure(d, i + 1);
    return scoreOne(run, c, i, d);
  });
  scored.sort((a, b) => b.score - a.score || a.candidate.id.localeCompare(b.candidate.id));
  return scored;
}

/** Topics the rules ask for more of (`topic.prefer`). */
function preferredTopics(rules: readonly Rule[]): Set<string> {
  const out = new Set<string>();
  for (const r of rules) {
    if (r.constrains === "topic.prefer" && typeof r.params.topic === "string") out.add(r.params.topic);
  }
  return out;
}

/** Scores candidate `c` (number `i` of the pool, corpus document `d`), just measured by the engine. */
function scoreOne(run: Run, c: Candidate, i: number, d: number): ScoredCandidate {
  const { corpus, reader, dense, engine } = run;
  const { vector, sims } = engine;
  const mark = vector.mark;
  const tags = corpus.tags[d] ?? [];
  const nInterests = reader.interests.length;
  const nReferences = reader.references.length;
  const nLiked = reader.liked.length;
  const nDisliked = reader.disliked.length;
  const interestSims = reader.interests.map((_, k) => {
    const concept = tags.some((t) => reader.interestTopics[k]?.has(t));
    const facets = facetsMatched(run.facets[k] ?? [], vector.present, mark);
    const domain = run.domains[k];
    const domainMissing =
      domain !== undefined &&
      facetsMatched(domain.facets, vector.present, mark) === 0 &&
      !tags.some((t) => domain.topics.has(t));
    return interestSimilarity(
      blend(sims[k] as number, dense?.interests[i]?.[k]),
      facets,
      concept,
      domainMissing,
    );
  });
  const order = interestSims.map((s, k) => [s, k] as const).sort((a, b) => b[0] - a[0]);
  const [first, second] = order;
  let at = nInterests;
  const refSims = reader.references.map((_, k) => blend(sims[at + k] as number, dense?.references[i]?.[k]));
  at += nReferences;
  const likedSims = reader.liked.map((_, k) => blend(sims[at + k] as number, dense?.liked[i]?.[k]));
  at += nLiked;
  const dislikedSims = reader.disliked.map((_, k) => blend(sims[at + k] as number, dense?.disliked[i]?.[k]));
  at += nDisliked;
  const rocchio = reader.feedback.size > 0 ? (sims[at] as number) : 0;

  const readerTags = tags.filter((t) => reader.readerTopics.has(t));
  const inCategories = c.categories.filter((cat) => reader.categories.has(cat.toLowerCase()));
  const lenses: string[] = [];
  for (const lens of run.lenses) {
    if (lens.known >= 0) {
      if (corpus.lensCues[lens.known]?.[d]) lenses.push(lens.lens);
    } else if (lens.words.length > 0 && lens.words.every((l) => vector.has(l))) {
      lenses.push(lens.lens);
    }
  }

  // Novelty is judged against what the reader already knows.
  const maxRef = maxOf(refSims);
  const keys = corpus.referenceKeys[d] ?? [];
  const knownRef = reader.references.find((r) => keys.some((k) => r.ids.has(k)));
  const nearRef =
    maxRef > RELEVANCE_WEIGHTS.nearReferenceSimilarity
      ? reader.references[refSims.indexOf(maxRef)]
      : undefined;
  const archives = corpus.archives[d] ?? [];
  const relevance = relevanceOf({
    bestInterest: first?.[0] ?? 0,
    secondInterest: second?.[0] ?? 0,
    reference: maxRef,
    liked: maxOf(likedSims),
    disliked: maxOf(dislikedSims),
    feedback: rocchio,
    readerTopic: readerTags.length > 0,
    category:
      inCategories.length === 0 ? undefined : inCategories[0] === c.categories[0] ? "primary" : "other",
    lenses: lenses.length,
    preferredTopic: tags.some((t) => run.preferred.has(t)),
    // A reader who named no categories has no archive it never reads.
    foreignArchive:
      reader.archives.size > 0 && archives.length > 0 && !archives.some((a) => reader.archives.has(a)),
    hasReferences: nReferences > 0,
    hasLiked: nLiked > 0,
    alreadyKnown: knownRef ? "reference" : nearRef ? "near-reference" : undefined,
  });

  const signals = assessSignals(c, run.now);
  const score = scoreOf(relevance, signals.bonus);

  const explanation = explain({
    reader,
    relevance,
    interestOrder: order,
    likedSims,
    dislikedSims,
    sharedStems:
      (corpus.texts[d] ?? "").length > 0
        ? (k, limit) => {
            const stems = engine.sharedTerms(k, limit);
            return { stems, surfaces: corpus.surfaceForms(d, stems) };
          }
        : undefined,
    lenses,
    signals: signals.reasons,
    known: knownRef?.title ?? nearRef?.title,
    readerTags,
  });
  const cluster =
    first && saturate(first[0]) >= CLUSTER_CLOSENESS ? reader.interests[first[1]]?.text : undefined;
  return {
    candidate: c,
    score: Math.round(score * 1e4) / 1e4,
    relevance: Math.round(relevance * 1e4) / 1e4,
    explanation,
    tags: [...tags],
    ...(cluster ? { cluster } : {}),
  };
}
