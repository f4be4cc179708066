/**
 * The relevance formula: how the evidence about one candidate (its similarity to the reader's
 * interests, references and rated items, the learned feedback, topics, categories, lenses and rules)
 * adds up to a relevance in [0, 1], and how the source signals add to it. Every weight is in
 * `RELEVANCE_WEIGHTS`; nothing here knows how the similarities were computed.
 */

/**
 * The weights of the relevance formula. Similarities enter through `saturate`; the interest terms
 * are the bulk (0.7), what the reader already rated next, the rest are small nudges. The sum of
 * the positive weights exceeds 1 on purpose: a candidate strong on every count is clipped at 1.
 */
export const RELEVANCE_WEIGHTS = {
  /**
   * Scale of the saturating map of a similarity to [0, 1): lexical cosines of related abstracts
   * sit around 0.1–0.4, so 0.18 puts a clear match near 0.7–0.9.
   */
  saturation: 0.18,

  /**
   * Similarity to an interest is scaled by how much of the interest the candidate covers: here two
   * facets or more ("RL" and "trading" of "RL for trading") …
   */
  coverageTwoFacets: 1,
  /** … one facet (any RL paper for "RL for trading"). */
  coverageOneFacet: 0.7,
  /** … no facet (shared words only). */
  coverageNoFacet: 0.45,
  /** At most this coverage when the domain of an "A for B" interest does not show up (RL for retail pricing). */
  coverageDomainMissing: 0.55,
  /**
   * A shared taxonomy topic is a concept-level match even when the words differ: its similarity is
   * at least this ("lead-lag in high-frequency data" is microstructure without saying "order book").
   */
  conceptSimilarityFloor: 0.06,

  /** The interest it matches best. */
  bestInterest: 0.6,
  /** The interest it matches second best (a paper joining two interests). */
  secondInterest: 0.1,
  /** The closest of the reader's reference papers. */
  reference: 0.1,
  /** The closest liked item. */
  liked: 0.15,
  /** The closest disliked item, subtracted. */
  disliked: 0.35,
  /** The learned feedback vector (Rocchio), its cosine clipped to [−1, 1] after dividing by `feedbackScale`. */
  feedback: 0.1,
  /** A feedback cosine of this much counts fully. */
  feedbackScale: 0.2,
  /** It carries a taxonomy topic that one of the reader's interests names. */
  readerTopic: 0.06,
  /** Its primary category is one of the reader's. */
  primaryCategory: 0.05,
  /** Another of its categories is one of the reader's. */
  otherCategory: 0.025,
  /** Per lens of the reader it shows … */
  lens: 0.025,
  /** … up to this much for all of them. */
  lensesMax: 0.06,
  /** It carries a topic a `topic.prefer` rule asks for. */
  preferredTopic: 0.05,

  /** Multiplier for a paper from an archive the reader never reads (quant-ph, astro-ph): it needs a stronger match. */
  foreignArchive: 0.85,
  /** Multiplier for one of the reader's reference papers itself: nothing new. */
  knownReference: 0.2,
  /** Multiplier for a near copy of a reference paper (similarity above `nearReferenceSimilarity`). */
  nearReference: 0.6,
  nearReferenceSimilarity: 0.55,
} as const;

const W = RELEVANCE_WEIGHTS;

/** Below this relevance a research item is a weak pick: the selection would rather say the pool is thin. */
export const MIN_RELEVANCE = 0.3;

/** Saturating map of a similarity to [0, 1). */
export function saturate(sim: number): number {
  return sim <= 0 ? 0 : 1 - Math.exp(-sim / W.saturation);
}

/**
 * A candidate's similarity to one interest, scaled by its coverage: `facets` of the interest it
 * shows, `concept` whether it shares a taxonomy topic with it, `domainMissing` whether the domain of
 * an "A for B" interest is absent from it.
 */
export function interestSimilarity(
  sim: number,
  facets: number,
  concept: boolean,
  domainMissing: boolean,
): number {
  const matched = Math.max(facets, concept ? 1 : 0);
  let coverage: number =
    matched >= 2 ? W.coverageTwoFacets : matched === 1 ? W.coverageOneFacet : W.coverageNoFacet;
  if (domainMissing) coverage = Math.min(coverage, W.coverageDomainMissing);
  return coverage * (concept ? Math.max(sim, W.conceptSimilarityFloor) : sim);
}

/** What is known about one candidate for one reader, as the relevance formula takes it. */
export interface Evidence {
  /** Its best and second-best interest similarities (`interestSimilarity`). */
  bestInterest: number;
  secondInterest: number;
  /** Its highest similarities to a reference paper, a liked and a disliked item (0 when none). */
  reference: number;
  liked: number;
  disliked: number;
  /** Its cosine with the learned feedback vector. */
  feedback: number;
  readerTopic: boolean;
  /** Whether its primary category, or another of its categories, is one of the reader's. */
  category: "primary" | "other" | undefined;
  /** How many of the reader's lenses it shows. */
  lenses: number;
  preferredTopic: boolean;
  foreignArchive: boolean;
  /** Whether it is one of the reader's reference papers, or a near copy of one. */
  alreadyKnown: "reference" | "near-reference" | undefined;
  /** Whether the reader has reference papers and liked items at all (a new reader has neither). */
  hasReferences: boolean;
  hasLiked: boolean;
}

/** Relevance in [0, 1]: the weighted evidence, then the multipliers for what the reader already has. */
export function relevanceOf(e: Evidence): number {
  let relevance =
    W.bestInterest * saturate(e.bestInterest) +
    W.secondInterest * saturate(e.secondInterest) +
    W.reference * saturate(e.reference) +
    W.liked * saturate(e.liked) -
    W.disliked * saturate(e.disliked) +
    W.feedback * Math.max(-1, Math.min(1, e.feedback / W.feedbackScale)) +
    (e.readerTopic ? W.readerTopic : 0) +
    (e.category === "primary" ? W.primaryCategory : e.category === "other" ? W.otherCategory : 0) +
    Math.min(W.lensesMax, W.lens * e.lenses) +
    (e.preferredTopic ? W.preferredTopic : 0);
  // A new reader has no known papers or ratings yet: the weight those carry is spread over what it
  // does have, so that its first issue is held to the same bar as an established reader's.
  const absent = (e.hasReferences ? 0 : W.reference) + (e.hasLiked ? 0 : W.liked);
  if (absent > 0) relevance /= 1 - absent;
  if (e.foreignArchive) relevance *= W.foreignArchive;
  if (e.alreadyKnown === "reference") relevance *= W.knownReference;
  else if (e.alreadyKnown === "near-reference") relevance *= W.nearReference;
  return Math.max(0, Math.min(1, relevance));
}

/** The highest of some similarities; 0 when there are none (or all are negative). */
export const maxOf = (xs: readonly number[]): number => xs.reduce((m, x) => Math.max(m, x), 0);

/** How much of relevance a disliked-item similarity costs. */
export function dislikedCost(sim: number): number {
  return W.disliked * saturate(sim);
}

/**
 * The ordering score: relevance plus the source signals' bonus (upvotes, citations, recency …),
 * gated by relevance so that popularity never lifts an off-topic item.
 */
export function scoreOf(relevance: number, signalBonus: number): number {
  const gate = Math.min(1, relevance / MIN_RELEVANCE);
  return relevance + gate * signalBonus;
}
