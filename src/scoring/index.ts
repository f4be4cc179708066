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
 *
 * The rooms: `model` (the reader model), `terms` (tokens and sparse term vectors), `corpus` (the
 * pool analysed once per day), `bm25` (the run's statistics), `reader-vectors` (the reader's
 * query vectors), `dense` (embedding similarity), `engine` (the typed-array ranking engine),
 * `relevance` (the formula and its weights table), `explain` (the explanation) and `rank`
 * (the entry points that put them together).
 */
export { type Corpus, candidateText, prepareCorpus } from "./corpus";
export type { Embedder } from "./embedder";
export { cachedEmbedder, DEFAULT_EMBEDDING_MODEL, workersAiEmbedder } from "./embedder";
export type { Explanation } from "./explain";
export { type FeedbackExample, type RatedFeedback, type ReaderModel, readerModelFromProfile } from "./model";
export { type RankOptions, rankCandidates, rankCandidatesSync, type ScoredCandidate } from "./rank";
export { MIN_RELEVANCE, RELEVANCE_WEIGHTS } from "./relevance";
export { TOPICS, topicsOf } from "./taxonomy";
