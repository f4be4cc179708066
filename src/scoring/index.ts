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
import { canonicalId, identityKeys } from "../identity";
import type { Feedback, Rule } from "../issue";
import type { ReaderProfile } from "../profile";
import { cosine, type Embedder } from "./embedder";
import { matchLensesNormalized } from "./lenses";
import { assessSignals } from "./signals";
import { TOPICS, topicBySlug, topicsOf, topicsOfNormalized } from "./taxonomy";
import {
  addInto,
  dot,
  normalizeText,
  sharedTerms,
  surfaceForms,
  type TermVector,
  termCounts,
  termCountsNormalized,
  tokenize,
  unit,
} from "./text";

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

/** The text a candidate is judged by; the title counts twice (it is the author's own summary). */
export function candidateText(c: Candidate): string {
  const s = c.signals;
  const extra = [
    s.aiKeywords?.join(" "),
    s.topics?.join(" "),
    s.tldr,
    c.kind === "tool" ? s.readme : undefined,
  ]
    .filter((x): x is string => typeof x === "string" && x.length > 0)
    .join(" ");
  return `${c.title}. ${c.title}. ${c.summary} ${extra}`.slice(0, 6000);
}

/** IDF statistics of one ranking run: the day's pool plus the reader's own texts. */
class LexicalIndex {
  private readonly df = new Map<string, number>();
  private docs = 0;
  private totalLength = 0;

  add(counts: Map<string, number>): void {
    this.docs++;
    let len = 0;
    for (const [t, n] of counts) {
      this.df.set(t, (this.df.get(t) ?? 0) + 1);
      len += n;
    }
    this.totalLength += len;
  }

  /** In at most one document in 300 (two in a small pool): distinctive enough to stand for its phrase. */
  isRare(term: string): boolean {
    return (this.df.get(term) ?? 0) <= Math.max(2, this.docs / 300);
  }

  private readonly idfCache = new Map<string, number>();
  private idfAt = -1;

  idf(term: string): number {
    // Cached per corpus size: the same terms recur across thousands of documents.
    if (this.idfAt !== this.docs) {
      this.idfCache.clear();
      this.idfAt = this.docs;
    }
    let v = this.idfCache.get(term);
    if (v === undefined) {
      const df = this.df.get(term) ?? 0;
      v = Math.log(1 + (this.docs - df + 0.5) / (df + 0.5));
      this.idfCache.set(term, v);
    }
    return v;
  }

  /**
   * BM25 term weights (k1 = 1.2, b = 0.75), unit length. With `keep`, only those terms are kept
   * (after normalizing over all terms): the reader's vocabulary is all that a dot product with
   * the reader's vectors can use, and it is a small fraction of an abstract's terms.
   */
  docVector(counts: Map<string, number>, keep?: ReadonlySet<string>): TermVector {
    const k1 = 1.2;
    const b = 0.75;
    let len = 0;
    for (const n of counts.values()) len += n;
    const avg = this.docs > 0 ? this.totalLength / this.docs : len || 1;
    const lengthNorm = k1 * (1 - b + (b * len) / avg);
    const v: TermVector = new Map();
    let sumSquares = 0;
    for (const [t, n] of counts) {
      const w = ((n * (k1 + 1)) / (n + lengthNorm)) * this.idf(t);
      sumSquares += w * w;
      if (!keep || keep.has(t)) v.set(t, w);
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

function normalizeRefId(id: string): string {
  return canonicalId(id) ?? id.trim();
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

function facetsMatched(
  facets: readonly string[][],
  counts: Map<string, number>,
  index: LexicalIndex,
): number {
  let matched = 0;
  for (const tokens of facets) {
    const rarest = tokens[0];
    if (rarest === undefined || !counts.has(rarest)) continue;
    if (tokens.length === 1) {
      matched++;
      continue;
    }
    // A multi-word facet matches as a phrase ("market making", not "market" + "decision-making"),
    // or by its rarest word when that word is itself distinctive ("Wasserstein").
    const phrase = tokens.some((a) => tokens.some((b) => a !== b && counts.has(`${a} ${b}`)));
    if (phrase || index.isRare(rarest)) matched++;
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

/**
 * Scores every candidate for the reader and returns them best first. Asynchronous only because an
 * optional embedder is; without one, `rankCandidatesSync` gives the same result synchronously.
 */
export async function rankCandidates(
  candidates: readonly Candidate[],
  model: ReaderModel,
  opts: { now: Date; embedder?: Embedder },
): Promise<ScoredCandidate[]> {
  const dense = opts.embedder ? await denseSimilarities(opts.embedder, candidates, model) : undefined;
  return rankWith(candidates, model, opts.now, dense);
}

/** The lexical default scorer, synchronously (CLI, benchmarks). */
export function rankCandidatesSync(
  candidates: readonly Candidate[],
  model: ReaderModel,
  opts: { now: Date },
): ScoredCandidate[] {
  return rankWith(candidates, model, opts.now, undefined);
}

function rankWith(
  candidates: readonly Candidate[],
  model: ReaderModel,
  now: Date,
  dense: DenseSims | undefined,
): ScoredCandidate[] {
  const index = new LexicalIndex();
  const texts = candidates.map(candidateText);
  const normalized = texts.map(normalizeText);
  const candidateCounts = normalized.map(termCountsNormalized);
  for (const counts of candidateCounts) index.add(counts);
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
  const readerVocabulary = new Set<string>();
  for (const group of [reader.interests, reader.references, reader.liked, reader.disliked]) {
    for (const { vector } of group) for (const t of vector.keys()) readerVocabulary.add(t);
  }
  for (const t of reader.feedback.keys()) readerVocabulary.add(t);
  const preferred = preferredTopics(model.rules);

  const scored = candidates.map((c, i) => {
    const vector = index.docVector(candidateCounts[i] ?? new Map(), readerVocabulary);
    return scoreOne(
      c,
      { raw: texts[i] ?? "", normalized: normalized[i] ?? "" },
      vector,
      candidateCounts[i] ?? new Map(),
      i,
      reader,
      index,
      model,
      now,
      dense,
      preferred,
    );
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

function scoreOne(
  c: Candidate,
  text: { raw: string; normalized: string },
  vector: TermVector,
  counts: Map<string, number>,
  i: number,
  reader: ReaderVectors,
  index: LexicalIndex,
  model: ReaderModel,
  now: Date,
  dense: DenseSims | undefined,
  preferred: Set<string>,
): ScoredCandidate {
  const tags = topicsOfNormalized(text.normalized);
  const interestSims = reader.interests.map((q, k) => {
    // A shared taxonomy topic is a concept-level match even when the words differ
    // ("lead-lag in high-frequency financial data" is microstructure without saying "order book").
    const concept = tags.some((t) => reader.interestTopics[k]?.has(t));
    const matched = Math.max(facetsMatched(reader.facets[k] ?? [], counts, index), concept ? 1 : 0);
    let coverage = matched >= 2 ? 1 : matched === 1 ? 0.7 : 0.45;
    // "RL for trading" is not met by RL for retail pricing: the domain after "for" must show up.
    const domain = reader.domains[k];
    if (
      domain &&
      facetsMatched(domain.facets, counts, index) === 0 &&
      !tags.some((t) => domain.topics.has(t))
    ) {
      coverage = Math.min(coverage, 0.55);
    }
    const sim = blend(dot(vector, q.vector), dense?.interests[i]?.[k]);
    return coverage * (concept ? Math.max(sim, 0.06) : sim);
  });
  const order = interestSims.map((s, k) => [s, k] as const).sort((a, b) => b[0] - a[0]);
  const [first, second] = order;
  const refSims = reader.references.map((r, k) => blend(dot(vector, r.vector), dense?.references[i]?.[k]));
  const likedSims = reader.liked.map((r, k) => blend(dot(vector, r.vector), dense?.liked[i]?.[k]));
  const dislikedSims = reader.disliked.map((r, k) => blend(dot(vector, r.vector), dense?.disliked[i]?.[k]));
  const rocchio = reader.feedback.size > 0 ? dot(vector, reader.feedback) : 0;

  const readerTags = tags.filter((t) => reader.readerTopics.has(t));
  const inCategories = c.categories.filter((cat) => reader.categories.has(cat.toLowerCase()));
  const lenses = matchLensesNormalized(model.profile.lenses, text.normalized);

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
    (tags.some((t) => preferred.has(t)) ? 0.05 : 0);

  // Novelty is judged against what the reader already knows.
  const keys = identityKeys(c).map(normalizeRefId);
  const knownRef = reader.references.find((r) => keys.some((k) => r.ids.has(k)));
  const nearRefIndex = refSims.indexOf(maxRef);
  const nearRef = maxRef > 0.55 ? reader.references[nearRefIndex] : undefined;
  // A paper from an archive the reader never reads (quant-ph, astro-ph) needs a stronger match.
  if (c.categories.length > 0 && !c.categories.some((cat) => reader.archives.has(archiveOf(cat))))
    relevance *= 0.85;
  if (knownRef) relevance *= 0.2;
  else if (nearRef) relevance *= 0.6;
  relevance = Math.max(0, Math.min(1, relevance));

  const signals = assessSignals(c, now);
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

  const explanation = explain({
    c,
    vector,
    text: relevance >= 0.1 ? text.raw : undefined,
    reader,
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
    tags,
    ...(cluster ? { cluster } : {}),
  };
}

interface ExplainInput {
  c: Candidate;
  vector: TermVector;
  /** The candidate's text, when shared terms are worth computing (weak candidates skip it). */
  text: string | undefined;
  reader: ReaderVectors;
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
    const shared =
      q && x.text ? readableTerms(sharedTerms(x.vector, q.vector, 12), surfaceForms(x.text), 3) : [];
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
