/**
 * The reader side of one ranking run: one query vector per interest (the statement, expanded with
 * its taxonomy topic and with the reference papers that belong to it), the vectors of the
 * reference papers and of the rated items, the learned feedback vector, and what each interest
 * requires of a candidate (its facets, its topics, the domain of an "A for B" interest).
 */
import type { LexicalIndex } from "./bm25";
import { normalizeRefId } from "./corpus";
import type { FeedbackExample, ReaderModel } from "./model";
import { topicBySlug, topicsOf } from "./taxonomy";
import { addInto, dot, type TermVector, termCounts, tokenize, unit } from "./terms";

interface Query {
  vector: TermVector;
  text: string;
}

/** Pre-computed reader side of one ranking run. */
export interface ReaderVectors {
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

/** Weight of a topic's expansion words in an interest's query, against 1 for the reader's own words. */
const EXPANSION_WEIGHT = 0.5;
/** Weight of a reference paper's vector added to the interest it belongs to. */
const REFERENCE_EXPANSION = 0.4;
/** Below this similarity to every interest a reference paper expands none of them. */
const REFERENCE_MIN_SIMILARITY = 0.02;

/**
 * The reader's vectors for a run. The reader's own texts (references, rated items) join the
 * index's statistics first, so their terms have an IDF even when no candidate has them.
 */
export function readerVectors(model: ReaderModel, index: LexicalIndex): ReaderVectors {
  const counts: ReaderCounts = {
    interests: model.profile.interests.map(interestQueryText),
    references: model.profile.references.map((r) => termCounts(`${r.title}. ${r.title}. ${r.summary ?? ""}`)),
    liked: model.liked.map((e) => termCounts(`${e.title}. ${e.title}. ${e.summary}`)),
    disliked: model.disliked.map((e) => termCounts(`${e.title}. ${e.title}. ${e.summary}`)),
  };
  for (const group of [counts.references, counts.liked, counts.disliked]) {
    for (const c of group) index.add(c);
  }
  return buildReaderVectors(model, index, counts);
}

interface ReaderCounts {
  interests: Map<string, number>[];
  references: Map<string, number>[];
  liked: Map<string, number>[];
  disliked: Map<string, number>[];
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

function interestQueryText(statement: string): Map<string, number> {
  const counts = termCounts(statement);
  for (const slug of topicsOf(statement)) {
    const topic = topicBySlug(slug);
    if (!topic) continue;
    for (const [t, n] of termCounts(topic.expansion))
      counts.set(t, (counts.get(t) ?? 0) + EXPANSION_WEIGHT * n);
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
    let bestSim = REFERENCE_MIN_SIMILARITY;
    interests.forEach((q, i) => {
      const s = dot(ref.vector, q.vector);
      if (s > bestSim) {
        bestSim = s;
        best = i;
      }
    });
    const target = enriched[best];
    if (target) addInto(target.vector, ref.vector, REFERENCE_EXPANSION);
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
