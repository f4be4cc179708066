/**
 * Relevance scoring of candidates for one reader.
 *
 * The default scorer is lexical and needs no network and no model: BM25-weighted term vectors
 * (stemmed unigrams + bigrams, IDF from the day's pool), compared by cosine with one query vector
 * per interest (the statement, expanded with its taxonomy topic and with the reference papers that
 * belong to it), with Rocchio-style feedback on top: pulled towards liked items, pushed away from
 * disliked ones, and a learned term-weight vector that accumulates every rating. Signals beyond
 * text (upvotes, citations, h-index, recency, stars, activity) add a small bonus gated by relevance.
 * An optional `Embedder` (Workers AI) blends dense similarity into the same interface.
 */
import type { Candidate } from "../candidate";
import type { Feedback, Rule } from "../issue";
import type { ReaderProfile } from "../profile";
import { type Corpus, idfOf, normalizeRefId, prepareCorpus } from "./corpus";
import { cosine, type Embedder } from "./embedder";
import { knownLensIndex, unknownLensWords } from "./lenses";
import { assessSignals } from "./signals";
import { TOPICS, topicBySlug, topicsOf } from "./taxonomy";
import { addInto, dot, type TermVector, termCounts, tokenize, unit } from "./text";

export { type Corpus, candidateText, prepareCorpus } from "./corpus";
export type { Embedder } from "./embedder";
export { workersAiEmbedder } from "./embedder";
export { TOPICS, topicsOf } from "./taxonomy";

/** An item the reader rated, with the text the scorer compares candidates against. */
export interface FeedbackExample {
  id: string;
  title: string;
  summary: string;
  at: string;
  issueDate?: string;
}

/**
 * Everything the scorer needs about one reader; JSON-serializable (it crosses the Durable
 * Object RPC boundary and can be written to a file).
 */
export interface ReaderModel {
  profile: ReaderProfile;
  rules: Rule[];
  liked: FeedbackExample[];
  disliked: FeedbackExample[];
  /**
   * Rocchio term weights learned from every rating: + for terms of liked items, − for disliked,
   * each item's term vector unit-normalized (IDF is applied at ranking time, against the pool).
   */
  termWeights: Record<string, number>;
}

/** Why a candidate scored as it did, in words the write-up's "Why it matches" can use. */
export interface Explanation {
  /** Interest statements it matched, best first. */
  interests: string[];
  /** Titles of liked items it resembles. */
  liked: string[];
  /** The reader's lenses it shows. */
  lenses: string[];
  /** Readable signals ("42 upvotes on Hugging Face", "announced today"). */
  signals: string[];
  /** One or two sentences. */
  text: string;
}

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

/** Below this relevance a research item is a weak pick: the selection would rather say the pool is thin. */
export const MIN_RELEVANCE = 0.3;

/** A rating with the rated item's text (the Durable Object joins the text in). */
export type RatedFeedback = Feedback & { item?: { title: string; summary: string } };

const MAX_EXAMPLES = 100;
const MAX_TERM_WEIGHTS = 400;

/**
 * Builds the reader model from a profile, the standing rules and the feedback so far. Ratings are
 * folded per item (the latest wins), so an up changed to a down counts once, as a down.
 */
export function readerModelFromProfile(
  profile: ReaderProfile,
  rules: Rule[] = [],
  feedback: readonly RatedFeedback[] = [],
): ReaderModel {
  const latest = new Map<string, RatedFeedback>();
  for (const f of [...feedback].sort((a, b) => a.at.localeCompare(b.at))) {
    if (f.kind !== "rating" || !f.rating || !f.itemId || !f.item) continue;
    latest.set(f.itemId, f);
  }
  const liked: FeedbackExample[] = [];
  const disliked: FeedbackExample[] = [];
  const weights: TermVector = new Map();
  for (const f of [...latest.values()].reverse()) {
    if (!f.item || !f.itemId) continue;
    const example: FeedbackExample = {
      id: f.itemId,
      title: f.item.title,
      summary: f.item.summary,
      at: f.at,
      ...(f.issueDate ? { issueDate: f.issueDate } : {}),
    };
    const list = f.rating === "up" ? liked : disliked;
    if (list.length < MAX_EXAMPLES) list.push(example);
    const v = unit(logTf(termCounts(`${f.item.title} ${f.item.summary}`)));
    // Rocchio: beta = 0.75 for positives, gamma = 0.25 would under-weight a reader's explicit
    // "not this"; one-click dislikes are rare and deliberate, so they weigh as much as likes.
    addInto(weights, v, f.rating === "up" ? 1 : -1);
  }
  const top = [...weights.entries()]
    .filter(([, w]) => Math.abs(w) > 1e-6)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, MAX_TERM_WEIGHTS);
  const termWeights: Record<string, number> = {};
  for (const [t, w] of top) termWeights[t] = Math.round(w * 1e4) / 1e4;
  return { profile, rules, liked, disliked, termWeights };
}

function logTf(counts: Map<string, number>): TermVector {
  const v: TermVector = new Map();
  for (const [t, n] of counts) v.set(t, 1 + Math.log(n));
  return v;
}

const BM25_K1 = 1.2;
const BM25_B = 0.75;

/**
 * IDF statistics of one ranking run: the reader's pool (the corpus documents, less those not in
 * this pool) plus the reader's own texts.
 */
class LexicalIndex {
  private readonly readerDf = new Map<string, number>();
  private readonly idfCache = new Map<string, number>();
  private docs: number;
  private totalLength: number;

  /**
   * `dfDelta` corrects the corpus document frequencies for documents left out of the pool;
   * `docs` and `totalLength` are the pool's.
   */
  constructor(
    private readonly corpus: Corpus,
    private readonly dfDelta: ReadonlyMap<number, number>,
    docs: number,
    totalLength: number,
  ) {
    this.docs = docs;
    this.totalLength = totalLength;
  }

  /** Adds one of the reader's own texts. */
  add(counts: Map<string, number>): void {
    this.docs++;
    let len = 0;
    for (const [t, n] of counts) {
      this.readerDf.set(t, (this.readerDf.get(t) ?? 0) + 1);
      len += n;
    }
    this.totalLength += len;
    this.idfCache.clear();
  }

  private df(term: string): number {
    const id = this.corpus.termId(term);
    const inPool = id === undefined ? 0 : (this.corpus.df[id] ?? 0) + (this.dfDelta.get(id) ?? 0);
    return inPool + (this.readerDf.get(term) ?? 0);
  }

  /** In at most one document in 300 (two in a small pool): distinctive enough to stand for its phrase. */
  isRare(term: string): boolean {
    return this.df(term) <= Math.max(2, this.docs / 300);
  }

  idf(term: string): number {
    let v = this.idfCache.get(term);
    if (v === undefined) {
      v = idfOf(this.df(term), this.docs);
      this.idfCache.set(term, v);
    }
    return v;
  }

  /** IDF per corpus term id, for the candidates' vectors. */
  idfById(): Float64Array {
    const base = this.corpus.idfTable(this.docs);
    const corrections = new Map(this.dfDelta);
    for (const [t, n] of this.readerDf) {
      const id = this.corpus.termId(t);
      if (id !== undefined) corrections.set(id, (corrections.get(id) ?? 0) + n);
    }
    if (corrections.size === 0) return base;
    const table = base.slice();
    for (const [id, delta] of corrections) table[id] = idfOf((this.corpus.df[id] ?? 0) + delta, this.docs);
    return table;
  }

  /** Average document length, for BM25; `len` stands in when there are no documents at all. */
  averageLength(len: number): number {
    return this.docs > 0 ? this.totalLength / this.docs : len || 1;
  }

  /** BM25 term weights (k1 = 1.2, b = 0.75), unit length. */
  docVector(counts: Map<string, number>): TermVector {
    let len = 0;
    for (const n of counts.values()) len += n;
    const lengthNorm = BM25_K1 * (1 - BM25_B + (BM25_B * len) / this.averageLength(len));
    const v: TermVector = new Map();
    let sumSquares = 0;
    for (const [t, n] of counts) {
      const w = ((n * (BM25_K1 + 1)) / (n + lengthNorm)) * this.idf(t);
      sumSquares += w * w;
      v.set(t, w);
    }
    const norm = Math.sqrt(sumSquares);
    if (norm > 0) for (const [t, w] of v) v.set(t, w / norm);
    return v;
  }

  /** Query weights: (1 + log tf) · idf, unit length. */
  queryVector(counts: Map<string, number>): TermVector {
    const v: TermVector = new Map();
    for (const [t, n] of counts) v.set(t, (1 + Math.log(n)) * this.idf(t));
    return unit(v);
  }

  weighted(weights: TermVector): TermVector {
    const v: TermVector = new Map();
    for (const [t, w] of weights) v.set(t, w * this.idf(t));
    return unit(v);
  }
}

/** Saturating map of a cosine similarity to [0, 1): lexical cosines of related abstracts sit around 0.1–0.4. */
function saturate(sim: number): number {
  return sim <= 0 ? 0 : 1 - Math.exp(-sim / 0.18);
}

interface Query {
  vector: TermVector;
  text: string;
}

/** Pre-computed reader side of one ranking run. */
interface ReaderVectors {
  interests: Query[];
  references: { title: string; vector: TermVector; ids: Set<string> }[];
  liked: { title: string; vector: TermVector }[];
  disliked: { title: string; vector: TermVector }[];
  feedback: TermVector;
  readerTopics: Set<string>;
  categories: Set<string>;
  /** Archives (the part before the dot: "cs", "math", "q-fin") of the reader's categories. */
  archives: Set<string>;
  /** Per interest, its facets ("optimal transport", "Sinkhorn iterations", …) as stemmed tokens, rarest first. */
  facets: string[][][];
  /** Per interest, the taxonomy topics it names. */
  interestTopics: Set<string>[];
  /**
   * Per interest of the form "A for B" ("Reinforcement learning for trading"), what B requires:
   * its facets and its taxonomy topics. Undefined when the interest names no such domain.
   */
  domains: ({ facets: string[][]; topics: Set<string> } | undefined)[];
}

/**
 * The facets of an interest statement: "Reinforcement learning for trading and execution: policy
 * gradients for market making" → reinforcement learning | trading | execution | policy gradients |
 * market making. A candidate that touches one facet only (any RL paper) is a weaker match than one
 * that joins two (RL *for trading*).
 */
function interestFacets(statement: string, index: LexicalIndex): string[][] {
  return statement
    .split(/[:;,()]|\s(?:and|for|in|of|with|as)\s/i)
    .map((part) => [...new Set(tokenize(part))].sort((a, b) => index.idf(b) - index.idf(a)))
    .filter((tokens) => tokens.length > 0);
}

/** The "B" of an interest "A for B: …" (its head before any colon), if it has one. */
function interestDomain(
  statement: string,
  index: LexicalIndex,
): { facets: string[][]; topics: Set<string> } | undefined {
  const head = statement.split(":")[0] ?? statement;
  const m = /^(.*?)\s+for\s+(.+)$/i.exec(head);
  if (!m?.[1] || !m[2]) return undefined;
  const subjectTopics = new Set(topicsOf(m[1]));
  const topics = new Set(topicsOf(statement).filter((t) => !subjectTopics.has(t)));
  return { facets: interestFacets(m[2], index), topics };
}

/** A facet in the run's local term numbering. */
interface LocalFacet {
  /** Its rarest token. */
  rarest: number;
  /** A one-word facet: its word is enough. */
  single: boolean;
  /** Every ordered pair of its distinct tokens as a bigram ("market mak", "mak market"). */
  phrases: number[];
  /** Whether the rarest token is itself distinctive in this run's pool. */
  rare: boolean;
}

function localFacets(facets: readonly string[][], terms: RunTerms, index: LexicalIndex): LocalFacet[] {
  return facets
    .filter((tokens) => tokens[0] !== undefined)
    .map((tokens) => {
      const rarest = tokens[0] as string;
      const phrases: number[] = [];
      for (const a of tokens)
        for (const b of tokens) if (a !== b) phrases.push(terms.add(`${a} ${b}`, false));
      return {
        rarest: terms.add(rarest, false),
        single: tokens.length === 1,
        phrases,
        rare: index.isRare(rarest),
      };
    });
}

function facetsMatched(facets: readonly LocalFacet[], present: Int32Array, mark: number): number {
  let matched = 0;
  for (const f of facets) {
    if (present[f.rarest] !== mark) continue;
    if (f.single) {
      matched++;
      continue;
    }
    // A multi-word facet matches as a phrase ("market making", not "market" + "decision-making"),
    // or by its rarest word when that word is itself distinctive ("Wasserstein").
    if (f.rare || f.phrases.some((l) => present[l] === mark)) matched++;
  }
  return matched;
}

function interestQueryText(statement: string): Map<string, number> {
  const counts = termCounts(statement);
  // Expansion words count half as much as the reader's own words.
  for (const slug of topicsOf(statement)) {
    const topic = topicBySlug(slug);
    if (!topic) continue;
    for (const [t, n] of termCounts(topic.expansion)) counts.set(t, (counts.get(t) ?? 0) + 0.5 * n);
  }
  return counts;
}

function buildReaderVectors(
  model: ReaderModel,
  index: LexicalIndex,
  readerCounts: ReaderCounts,
): ReaderVectors {
  const interests = readerCounts.interests.map((counts, i) => ({
    vector: index.queryVector(counts),
    text: model.profile.interests[i] ?? "",
  }));
  const references = model.profile.references.map((r, i) => ({
    title: r.title,
    vector: index.queryVector(readerCounts.references[i] ?? new Map()),
    ids: new Set(r.id ? [normalizeRefId(r.id)] : []),
  }));
  // Each reference paper enriches the interest it belongs to (pseudo-relevance expansion).
  const enriched = interests.map((q) => ({ vector: new Map(q.vector), text: q.text }));
  for (const ref of references) {
    let best = -1;
    let bestSim = 0.02;
    interests.forEach((q, i) => {
      const s = dot(ref.vector, q.vector);
      if (s > bestSim) {
        bestSim = s;
        best = i;
      }
    });
    const target = enriched[best];
    if (target) addInto(target.vector, ref.vector, 0.4);
  }
  const toVectors = (examples: FeedbackExample[], counts: Map<string, number>[]) =>
    examples.map((e, i) => ({ title: e.title, vector: index.docVector(counts[i] ?? new Map()) }));
  const readerTopics = new Set<string>();
  for (const s of model.profile.interests) for (const t of topicsOf(s)) readerTopics.add(t);
  return {
    interests: enriched.map((q) => ({ vector: unit(q.vector), text: q.text })),
    references,
    liked: toVectors(model.liked, readerCounts.liked),
    disliked: toVectors(model.disliked, readerCounts.disliked),
    feedback: index.weighted(new Map(Object.entries(model.termWeights))),
    readerTopics,
    categories: new Set(model.profile.categories.map((c) => c.toLowerCase())),
    archives: new Set(model.profile.categories.map((c) => archiveOf(c))),
    facets: model.profile.interests.map((s) => interestFacets(s, index)),
    interestTopics: model.profile.interests.map((s) => new Set(topicsOf(s))),
    domains: model.profile.interests.map((s) => interestDomain(s, index)),
  };
}

function archiveOf(category: string): string {
  return category.toLowerCase().split(".")[0] ?? "";
}

interface ReaderCounts {
  interests: Map<string, number>[];
  references: Map<string, number>[];
  liked: Map<string, number>[];
  disliked: Map<string, number>[];
}

/** Dense similarities when an embedder is used: per candidate, per reader-side text. */
interface DenseSims {
  interests: number[][];
  references: number[][];
  liked: number[][];
  disliked: number[][];
}

async function denseSimilarities(
  embedder: Embedder,
  candidates: readonly Candidate[],
  model: ReaderModel,
): Promise<DenseSims> {
  const readerTexts = [
    ...model.profile.interests,
    ...model.profile.references.map((r) => `${r.title}. ${r.summary ?? ""}`),
    ...model.liked.map((e) => `${e.title}. ${e.summary}`),
    ...model.disliked.map((e) => `${e.title}. ${e.summary}`),
  ];
  const vectors = await embedder.embed([
    ...readerTexts,
    ...candidates.map((c) => `${c.title}. ${c.summary}`.slice(0, 2000)),
  ]);
  const reader = vectors.slice(0, readerTexts.length);
  const cands = vectors.slice(readerTexts.length);
  // Embedding cosines of unrelated scientific texts sit around 0.4–0.5; rescale so only real
  // closeness counts, on the same footing as the lexical cosines.
  const rescale = (c: number) => Math.max(0, (c - 0.45) / 0.55) * 0.5;
  const slice = (from: number, count: number) =>
    cands.map((cv) => reader.slice(from, from + count).map((rv) => rescale(cosine(cv, rv))));
  let at = 0;
  const interests = slice(at, model.profile.interests.length);
  at += model.profile.interests.length;
  const references = slice(at, model.profile.references.length);
  at += model.profile.references.length;
  const liked = slice(at, model.liked.length);
  at += model.liked.length;
  const disliked = slice(at, model.disliked.length);
  return { interests, references, liked, disliked };
}

const maxOf = (xs: readonly number[]): number => xs.reduce((m, x) => Math.max(m, x), 0);

function blend(lexical: number, dense: number | undefined): number {
  return dense === undefined ? lexical : 0.5 * lexical + 0.5 * dense;
}

/** Words too generic to show the reader as the reason for a match (scoring still counts them). */
const VAGUE = new Set(
  "domain problem problems model models method framework data task tasks system systems performance learning analysis approach function functions process processes set sets".split(
    " ",
  ),
);

/** The short name of an interest: its head before any colon ("Optimal transport"), in running text. */
function interestHead(statement: string): string {
  const head = (statement.split(":")[0] ?? statement).trim();
  // Lowercase the first letter unless the first word is an acronym ("OT", "HJB").
  return /^[A-Z][a-z]/.test(head) ? head[0]?.toLowerCase() + head.slice(1) : head;
}

/** Readable shared terms: bigrams first, unigrams already inside a chosen bigram dropped. */
function readableTerms(stems: string[], surfaces: Map<string, string>, limit: number): string[] {
  const bigrams = stems.filter((t) => t.includes(" "));
  const unigrams = stems.filter((t) => !t.includes(" "));
  const out: string[] = [];
  const covered = new Set<string>();
  for (const t of [...bigrams, ...unigrams]) {
    if (out.length >= limit) break;
    if (!t.includes(" ") && (covered.has(t) || VAGUE.has(t) || VAGUE.has(surfaces.get(t) ?? t))) continue;
    for (const part of t.split(" ")) covered.add(part);
    const surface = surfaces.get(t) ?? t;
    if (!out.includes(surface)) out.push(surface);
  }
  return out;
}

function quote(title: string): string {
  const t = title.length > 80 ? `${title.slice(0, 77)}…` : title;
  return `“${t}”`;
}

function sentenceCase(s: string): string {
  return s.length > 0 ? s[0]?.toUpperCase() + s.slice(1) : s;
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

/**
 * Scores every candidate for the reader and returns them best first. Asynchronous only because an
 * optional embedder is; without one, `rankCandidatesSync` gives the same result synchronously.
 */
export async function rankCandidates(
  candidates: readonly Candidate[],
  model: ReaderModel,
  opts: RankOptions & { embedder?: Embedder },
): Promise<ScoredCandidate[]> {
  const dense = opts.embedder ? await denseSimilarities(opts.embedder, candidates, model) : undefined;
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

/** The terms this run compares on, numbered densely, with the corpus term ids mapped onto them. */
class RunTerms {
  readonly terms: string[] = [];
  private readonly numbers = new Map<string, number>();
  private readonly vocabulary: boolean[] = [];

  /** The run's number for `term`; `inVectors` marks terms of the reader's vectors. */
  add(term: string, inVectors: boolean): number {
    let l = this.numbers.get(term);
    if (l === undefined) {
      l = this.terms.length;
      this.terms.push(term);
      this.numbers.set(term, l);
      this.vocabulary.push(inVectors);
    } else if (inVectors) this.vocabulary[l] = true;
    return l;
  }

  get size(): number {
    return this.terms.length;
  }

  /** 1 for the terms of the reader's vectors (the only ones a candidate's vector keeps). */
  inVectors(): Uint8Array {
    return Uint8Array.from(this.vocabulary, (v) => (v ? 1 : 0));
  }

  /** Per corpus term id, its run number + 1 (0: not a term of this run). */
  fromCorpus(corpus: Corpus): Int32Array {
    const out = new Int32Array(corpus.vocabularySize);
    this.terms.forEach((term, l) => {
      const id = corpus.termId(term);
      if (id !== undefined) out[id] = l + 1;
    });
    return out;
  }
}

/** A reader-side vector in the run's numbering: its entries in the order the Map had them. */
interface RunVector {
  size: number;
  terms: Int32Array;
  weights: Float64Array;
}

function runVector(v: TermVector, terms: RunTerms): RunVector {
  const out: RunVector = {
    size: v.size,
    terms: new Int32Array(v.size),
    weights: new Float64Array(v.size),
  };
  let k = 0;
  for (const [t, w] of v) {
    out.terms[k] = terms.add(t, true);
    out.weights[k++] = w;
  }
  return out;
}

/**
 * Per run term, which vectors hold it and with what weight (compressed rows), so that one pass
 * over a candidate's terms yields its dot products with every reader vector at once.
 */
interface Postings {
  start: Int32Array;
  vector: Int32Array;
  weight: Float64Array;
}

function postingsOf(vectors: readonly RunVector[], termCount: number): Postings {
  const start = new Int32Array(termCount + 1);
  for (const v of vectors) {
    for (let k = 0; k < v.size; k++) {
      const l = (v.terms[k] as number) + 1;
      start[l] = (start[l] as number) + 1;
    }
  }
  for (let l = 0; l < termCount; l++) start[l + 1] = (start[l + 1] as number) + (start[l] as number);
  const fill = start.slice(0, termCount);
  const vector = new Int32Array(start[termCount] as number);
  const weight = new Float64Array(vector.length);
  vectors.forEach((v, vi) => {
    for (let k = 0; k < v.size; k++) {
      const l = v.terms[k] as number;
      const at = fill[l] as number;
      fill[l] = at + 1;
      vector[at] = vi;
      weight[at] = v.weights[k] as number;
    }
  });
  return { start, vector, weight };
}

/** A lens of the reader, resolved once per run: a known lens by index, or the words it needs. */
interface RunLens {
  lens: string;
  /** Index of its known cues, or -1. */
  known: number;
  /** For an unknown lens, its distinctive words (all must appear); empty never matches. */
  words: number[];
}

/**
 * One candidate's term vector in the run's numbering, rebuilt in place for each candidate: BM25
 * weights normalized over all its terms, keeping only the reader's vocabulary (the only terms a
 * dot product with the reader's vectors can use), in the candidate's own term order.
 */
class CandidateVector {
  /** `present[l] === mark`: the candidate has run term `l` (in its vector or not). */
  readonly present: Int32Array;
  /** Its weight for run term `l`, valid where present and in the vocabulary. */
  readonly weightOf: Float64Array;
  readonly terms: Int32Array;
  readonly weights: Float64Array;
  size = 0;
  mark = 0;

  constructor(termCount: number, maxTerms: number) {
    this.present = new Int32Array(termCount);
    this.weightOf = new Float64Array(termCount);
    this.terms = new Int32Array(maxTerms);
    this.weights = new Float64Array(maxTerms);
  }
}

/** Everything a ranking run shares across its candidates. */
interface Run {
  corpus: Corpus;
  reader: ReaderVectors;
  now: Date;
  dense: DenseSims | undefined;
  preferred: Set<string>;
  terms: RunTerms;
  inVectors: Uint8Array;
  /** Reader vectors in this order: interests, references, liked, disliked, feedback. */
  vectors: RunVector[];
  facets: LocalFacet[][];
  domains: ({ facets: LocalFacet[]; topics: Set<string> } | undefined)[];
  lenses: RunLens[];
  /** Lookup tables of the interest vectors, built when an explanation first needs one. */
  interestLookups: (Map<number, number> | undefined)[];
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

  // The pool's statistics are the corpus's, less the documents this reader's pool leaves out.
  const inPool = new Uint8Array(corpus.size);
  for (const d of docs) inPool[d] = 1;
  const dfDelta = new Map<number, number>();
  let totalLength = corpus.totalLength;
  for (let d = 0; d < corpus.size; d++) {
    if (inPool[d]) continue;
    totalLength -= corpus.docLength[d] as number;
    for (let j = corpus.docStart[d] as number; j < (corpus.docStart[d + 1] as number); j++) {
      const t = corpus.docTerm[j] as number;
      dfDelta.set(t, (dfDelta.get(t) ?? 0) - 1);
    }
  }
  const index = new LexicalIndex(corpus, dfDelta, candidates.length, totalLength);
  const readerCounts: ReaderCounts = {
    interests: model.profile.interests.map(interestQueryText),
    references: model.profile.references.map((r) => termCounts(`${r.title}. ${r.title}. ${r.summary ?? ""}`)),
    liked: model.liked.map((e) => termCounts(`${e.title}. ${e.title}. ${e.summary}`)),
    disliked: model.disliked.map((e) => termCounts(`${e.title}. ${e.title}. ${e.summary}`)),
  };
  for (const group of [readerCounts.references, readerCounts.liked, readerCounts.disliked]) {
    for (const counts of group) index.add(counts);
  }
  const reader = buildReaderVectors(model, index, readerCounts);

  const terms = new RunTerms();
  const vectors = [
    ...reader.interests.map((q) => runVector(q.vector, terms)),
    ...reader.references.map((r) => runVector(r.vector, terms)),
    ...reader.liked.map((r) => runVector(r.vector, terms)),
    ...reader.disliked.map((r) => runVector(r.vector, terms)),
    runVector(reader.feedback, terms),
  ];
  const run: Run = {
    corpus,
    reader,
    now: opts.now,
    dense,
    preferred: preferredTopics(model.rules),
    terms,
    inVectors: new Uint8Array(0),
    vectors,
    facets: reader.facets.map((f) => localFacets(f, terms, index)),
    domains: reader.domains.map((domain) =>
      domain ? { facets: localFacets(domain.facets, terms, index), topics: domain.topics } : undefined,
    ),
    lenses: model.profile.lenses.map((lens): RunLens => {
      const known = knownLensIndex(lens);
      return {
        lens,
        known,
        words: known >= 0 ? [] : unknownLensWords(lens).map((w) => terms.add(w, false)),
      };
    }),
    interestLookups: reader.interests.map(() => undefined),
  };
  run.inVectors = terms.inVectors();
  const fromCorpus = terms.fromCorpus(corpus);
  const postings = postingsOf(vectors, terms.size);
  let maxTerms = 0;
  for (const d of docs)
    maxTerms = Math.max(maxTerms, (corpus.docStart[d + 1] as number) - (corpus.docStart[d] as number));
  const vector = new CandidateVector(terms.size, maxTerms);
  const sims = new Float64Array(vectors.length);
  const idf = index.idfById();
  const { docStart, docTerm, docCount, docLength } = corpus;
  const inVectors = run.inVectors;

  const scored = candidates.map((c, i) => {
    const d = docs[i] as number;
    const mark = i + 1;
    vector.mark = mark;
    // BM25 (k1 = 1.2, b = 0.75) over all the candidate's terms; only the reader's vocabulary kept.
    const len = docLength[d] as number;
    const lengthNorm = BM25_K1 * (1 - BM25_B + (BM25_B * len) / index.averageLength(len));
    let sumSquares = 0;
    let size = 0;
    const end = docStart[d + 1] as number;
    for (let j = docStart[d] as number; j < end; j++) {
      const t = docTerm[j] as number;
      const n = docCount[j] as number;
      const w = ((n * (BM25_K1 + 1)) / (n + lengthNorm)) * (idf[t] as number);
      sumSquares += w * w;
      const l = (fromCorpus[t] as number) - 1;
      if (l < 0) continue;
      vector.present[l] = mark;
      if (inVectors[l]) {
        vector.terms[size] = l;
        vector.weights[size++] = w;
      }
    }
    vector.size = size;
    const norm = Math.sqrt(sumSquares);
    for (let k = 0; k < size; k++) {
      const w = norm > 0 ? (vector.weights[k] as number) / norm : (vector.weights[k] as number);
      vector.weights[k] = w;
      vector.weightOf[vector.terms[k] as number] = w;
    }
    // Dot products with every reader vector. Each sums over the smaller of the two vectors, in
    // that vector's order (as a dot product of two Maps would), so the floating-point result does
    // not depend on how it was computed: candidate-side sums come from one pass over the postings.
    sims.fill(0);
    for (let k = 0; k < size; k++) {
      const l = vector.terms[k] as number;
      const w = vector.weights[k] as number;
      const to = postings.start[l + 1] as number;
      for (let p = postings.start[l] as number; p < to; p++) {
        const vi = postings.vector[p] as number;
        sims[vi] = (sims[vi] as number) + w * (postings.weight[p] as number);
      }
    }
    for (let vi = 0; vi < vectors.length; vi++) {
      const q = vectors[vi] as RunVector;
      if (size <= q.size) continue;
      let s = 0;
      for (let k = 0; k < q.size; k++) {
        const l = q.terms[k] as number;
        if (vector.present[l] === mark) s += (q.weights[k] as number) * (vector.weightOf[l] as number);
      }
      sims[vi] = s;
    }
    return scoreOne(run, c, i, d, vector, sims);
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

/** The terms contributing most to the candidate's similarity with interest `k`, largest first. */
function sharedTerms(run: Run, vector: CandidateVector, k: number, limit: number): string[] {
  const q = run.vectors[k];
  if (!q) return [];
  const contributions: [number, number][] = [];
  if (vector.size <= q.size) {
    let lookup = run.interestLookups[k];
    if (!lookup) {
      lookup = new Map();
      for (let m = 0; m < q.size; m++) lookup.set(q.terms[m] as number, q.weights[m] as number);
      run.interestLookups[k] = lookup;
    }
    for (let m = 0; m < vector.size; m++) {
      const w = vector.weights[m] as number;
      const x = lookup.get(vector.terms[m] as number);
      if (x !== undefined && w * x > 0) contributions.push([vector.terms[m] as number, w * x]);
    }
  } else {
    for (let m = 0; m < q.size; m++) {
      const l = q.terms[m] as number;
      if (vector.present[l] !== vector.mark) continue;
      const w = q.weights[m] as number;
      const x = vector.weightOf[l] as number;
      if (w * x > 0) contributions.push([l, w * x]);
    }
  }
  contributions.sort((p, r) => r[1] - p[1]);
  return contributions.slice(0, limit).map(([l]) => run.terms.terms[l] ?? "");
}

function scoreOne(
  run: Run,
  c: Candidate,
  i: number,
  d: number,
  vector: CandidateVector,
  sims: Float64Array,
): ScoredCandidate {
  const { corpus, reader, dense } = run;
  const mark = vector.mark;
  const tags = corpus.tags[d] ?? [];
  const nInterests = reader.interests.length;
  const nReferences = reader.references.length;
  const nLiked = reader.liked.length;
  const nDisliked = reader.disliked.length;
  const interestSims = reader.interests.map((_, k) => {
    // A shared taxonomy topic is a concept-level match even when the words differ
    // ("lead-lag in high-frequency financial data" is microstructure without saying "order book").
    const concept = tags.some((t) => reader.interestTopics[k]?.has(t));
    const matched = Math.max(facetsMatched(run.facets[k] ?? [], vector.present, mark), concept ? 1 : 0);
    let coverage = matched >= 2 ? 1 : matched === 1 ? 0.7 : 0.45;
    // "RL for trading" is not met by RL for retail pricing: the domain after "for" must show up.
    const domain = run.domains[k];
    if (
      domain &&
      facetsMatched(domain.facets, vector.present, mark) === 0 &&
      !tags.some((t) => domain.topics.has(t))
    ) {
      coverage = Math.min(coverage, 0.55);
    }
    const sim = blend(sims[k] as number, dense?.interests[i]?.[k]);
    return coverage * (concept ? Math.max(sim, 0.06) : sim);
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
    } else if (lens.words.length > 0 && lens.words.every((l) => vector.present[l] === mark)) {
      lenses.push(lens.lens);
    }
  }

  const maxRef = maxOf(refSims);
  const maxLiked = maxOf(likedSims);
  const maxDisliked = maxOf(dislikedSims);
  let relevance =
    0.6 * saturate(first?.[0] ?? 0) +
    0.1 * saturate(second?.[0] ?? 0) +
    0.1 * saturate(maxRef) +
    0.15 * saturate(maxLiked) -
    0.35 * saturate(maxDisliked) +
    0.1 * Math.max(-1, Math.min(1, rocchio / 0.2)) +
    (readerTags.length > 0 ? 0.06 : 0) +
    (inCategories.length > 0 ? (inCategories[0] === c.categories[0] ? 0.05 : 0.025) : 0) +
    Math.min(0.06, 0.025 * lenses.length) +
    (tags.some((t) => run.preferred.has(t)) ? 0.05 : 0);

  // Novelty is judged against what the reader already knows.
  const keys = corpus.referenceKeys[d] ?? [];
  const knownRef = reader.references.find((r) => keys.some((k) => r.ids.has(k)));
  const nearRefIndex = refSims.indexOf(maxRef);
  const nearRef = maxRef > 0.55 ? reader.references[nearRefIndex] : undefined;
  // A paper from an archive the reader never reads (quant-ph, astro-ph) needs a stronger match.
  const archives = corpus.archives[d] ?? [];
  if (archives.length > 0 && !archives.some((a) => reader.archives.has(a))) relevance *= 0.85;
  if (knownRef) relevance *= 0.2;
  else if (nearRef) relevance *= 0.6;
  relevance = Math.max(0, Math.min(1, relevance));

  const signals = assessSignals(c, run.now);
  const gate = Math.min(1, relevance / MIN_RELEVANCE);
  const score = relevance + gate * signals.bonus;

  const matchedInterests = order
    .filter(([s], rank) => saturate(s) >= 0.35 || (rank === 0 && saturate(s) >= 0.2))
    .slice(0, 2)
    .map(([, k]) => reader.interests[k]?.text ?? "")
    .filter((s) => s.length > 0);
  const likedTitles = likedSims
    .map((s, k) => [s, k] as const)
    .filter(([s]) => saturate(s) >= 0.3)
    .sort((a, b) => b[0] - a[0])
    .slice(0, 2)
    .map(([, k]) => reader.liked[k]?.title ?? "")
    .filter((s) => s.length > 0);

  const text = corpus.texts[d] ?? "";
  const explanation = explain({
    reader,
    // Weak candidates skip the shared terms: nobody reads their explanation closely.
    sharedTerms:
      relevance >= 0.1 && text.length > 0
        ? (k) => {
            const stems = sharedTerms(run, vector, k, 12);
            return readableTerms(stems, corpus.surfaceForms(d, stems), 3);
          }
        : undefined,
    interestOrder: order,
    matchedInterests,
    likedTitles,
    lenses,
    signals: signals.reasons,
    // Say so whenever the resemblance cost the item noticeably (0.03 of relevance or more).
    disliked:
      0.35 * saturate(maxDisliked) >= 0.03
        ? reader.disliked[dislikedSims.indexOf(maxDisliked)]?.title
        : undefined,
    known: knownRef?.title ?? nearRef?.title,
    readerTags,
  });
  const cluster = first && saturate(first[0]) >= 0.2 ? reader.interests[first[1]]?.text : undefined;
  return {
    candidate: c,
    score: Math.round(score * 1e4) / 1e4,
    relevance: Math.round(relevance * 1e4) / 1e4,
    explanation,
    tags: [...tags],
    ...(cluster ? { cluster } : {}),
  };
}

interface ExplainInput {
  reader: ReaderVectors;
  /** The readable terms the candidate shares with interest `k`; undefined for weak candidates. */
  sharedTerms: ((k: number) => string[]) | undefined;
  interestOrder: (readonly [number, number])[];
  matchedInterests: string[];
  likedTitles: string[];
  lenses: string[];
  signals: string[];
  disliked: string | undefined;
  known: string | undefined;
  readerTags: string[];
}

function explain(x: ExplainInput): Explanation {
  const sentences: string[] = [];
  const topInterest = x.interestOrder[0];
  if (x.matchedInterests.length > 0 && topInterest) {
    const q = x.reader.interests[topInterest[1]];
    const shared = q && x.sharedTerms ? x.sharedTerms(topInterest[1]) : [];
    const also = x.matchedInterests[1] ? `, and touches ${interestHead(x.matchedInterests[1])}` : "";
    sentences.push(
      `Matches your interest in ${interestHead(x.matchedInterests[0] ?? "")}${shared.length > 0 ? ` (${shared.join(", ")})` : ""}${also}.`,
    );
  } else if (x.readerTags.length > 0) {
    const labels = x.readerTags.map((t) => TOPICS.find((topic) => topic.slug === t)?.label ?? t);
    sentences.push(`Touches ${labels.join(" and ")}, close to your interests, but only loosely.`);
  } else {
    sentences.push("Little overlap with your interests.");
  }
  const extras: string[] = [];
  if (x.likedTitles.length > 0)
    extras.push(`close to ${x.likedTitles.map(quote).join(" and ")}, which you liked`);
  if (x.lenses.length > 0)
    extras.push(`reads through your ${x.lenses.join(" and ")} lens${x.lenses.length > 1 ? "es" : ""}`);
  if (x.signals.length > 0) extras.push(x.signals.join(", "));
  if (extras.length > 0) sentences.push(`${sentenceCase(extras.join("; "))}.`);
  if (x.disliked) sentences.push(`Resembles ${quote(x.disliked)}, which you marked down.`);
  if (x.known) sentences.push(`Very close to ${quote(x.known)}, which you already know.`);
  return {
    interests: x.matchedInterests,
    liked: x.likedTitles,
    lenses: x.lenses,
    signals: x.signals,
    text: sentences.join(" "),
  };
}
