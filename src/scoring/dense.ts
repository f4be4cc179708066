/**
 * Dense similarity, when an `Embedder` is given: embedding cosines of every candidate with every
 * reader-side text, rescaled onto the footing of the lexical cosines and blended with them.
 */
import type { Candidate } from "../candidate";
import type { Embedder } from "./embedder";
import type { ReaderModel } from "./model";

/** Dense similarities when an embedder is used: per candidate, per reader-side text. */
export interface DenseSims {
  interests: number[][];
  references: number[][];
  liked: number[][];
  disliked: number[][];
}

/** Weight of the dense similarity in a blended one (the lexical one has the rest). */
const DENSE_WEIGHT = 0.5;
/**
 * Embedding cosines of unrelated scientific texts sit around 0.4–0.5: below this one counts as no
 * closeness at all.
 */
const DENSE_FLOOR = 0.45;
/** The rescaled similarity of identical texts, in line with the cosines of the lexical vectors. */
const DENSE_CEILING = 0.5;

export async function denseSimilarities(
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
  // Rescale so only real closeness counts, on the same footing as the lexical cosines.
  const rescale = (c: number) => Math.max(0, (c - DENSE_FLOOR) / (1 - DENSE_FLOOR)) * DENSE_CEILING;
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

/** A lexical similarity blended with its dense counterpart, when there is one. */
export function blend(lexical: number, dense: number | undefined): number {
  return dense === undefined ? lexical : (1 - DENSE_WEIGHT) * lexical + DENSE_WEIGHT * dense;
}

/** Cosine similarity of two dense vectors (0 when either is zero). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    d += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : d / Math.sqrt(na * nb);
}
