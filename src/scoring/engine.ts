/**
 * The typed-array ranking engine: one ranking run compares every candidate of the pool with every
 * reader vector. Terms are numbered densely per run, the reader's vectors are inverted into
 * postings, and each candidate's BM25 vector is rebuilt in place from the prepared corpus, so that
 * scoring a reader against a pool of thousands allocates almost nothing per candidate.
 */
import { bm25Weight, type LexicalIndex } from "./bm25";
import type { Corpus } from "./corpus";
import type { TermVector } from "./terms";

/** The terms this run compares on, numbered densely, with the corpus term ids mapped onto them. */
export class RunTerms {
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
export interface RunVector {
  size: number;
  terms: Int32Array;
  weights: Float64Array;
}

export function runVector(v: TermVector, terms: RunTerms): RunVector {
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

/** A facet in the run's local term numbering. */
export interface LocalFacet {
  /** Its rarest token. */
  rarest: number;
  /** A one-word facet: its word is enough. */
  single: boolean;
  /** Every ordered pair of its distinct tokens as a bigram ("market mak", "mak market"). */
  phrases: number[];
  /** Whether the rarest token is itself distinctive in this run's pool. */
  rare: boolean;
}

/** Facets (stemmed tokens, rarest first) in the run's numbering. */
export function localFacets(facets: readonly string[][], terms: RunTerms, index: LexicalIndex): LocalFacet[] {
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

/** How many of `facets` the candidate whose terms are marked `mark` in `present` shows. */
export function facetsMatched(facets: readonly LocalFacet[], present: Int32Array, mark: number): number {
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

/**
 * One candidate's term vector in the run's numbering, rebuilt in place for each candidate: BM25
 * weights normalized over all its terms, keeping only the reader's vocabulary (the only terms a
 * dot product with the reader's vectors can use), in the candidate's own term order.
 */
export class CandidateVector {
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

  /** Whether the candidate has run term `l`. */
  has(l: number): boolean {
    return this.present[l] === this.mark;
  }
}

/**
 * Similarities of the pool's candidates with the reader's vectors, once every run term is known
 * (the vectors' and the facet and lens words'). `measure` fills `vector` and `sims` for one
 * candidate; both are reused for the next.
 */
export class SimilarityEngine {
  readonly vector: CandidateVector;
  /** Dot products with each reader vector, in the order of `vectors`. */
  readonly sims: Float64Array;
  private readonly inVectors: Uint8Array;
  private readonly fromCorpus: Int32Array;
  private readonly postings: Postings;
  private readonly idf: Float64Array;
  /** Lookup tables of the vectors, built when an explanation first needs one. */
  private readonly lookups: (Map<number, number> | undefined)[];

  constructor(
    private readonly corpus: Corpus,
    docs: Int32Array,
    private readonly index: LexicalIndex,
    private readonly terms: RunTerms,
    private readonly vectors: readonly RunVector[],
  ) {
    this.inVectors = terms.inVectors();
    this.fromCorpus = terms.fromCorpus(corpus);
    this.postings = postingsOf(vectors, terms.size);
    let maxTerms = 0;
    for (const d of docs)
      maxTerms = Math.max(maxTerms, (corpus.docStart[d + 1] as number) - (corpus.docStart[d] as number));
    this.vector = new CandidateVector(terms.size, maxTerms);
    this.sims = new Float64Array(vectors.length);
    this.idf = index.idfById();
    this.lookups = vectors.map(() => undefined);
  }

  /** Builds corpus document `d`'s vector under `mark` (unique per candidate, never 0) and its similarities. */
  measure(d: number, mark: number): void {
    const { vector, sims, postings, vectors, idf, fromCorpus, inVectors } = this;
    const { docStart, docTerm, docCount, docLength } = this.corpus;
    vector.mark = mark;
    // BM25 over all the candidate's terms; only the reader's vocabulary kept.
    const lengthNorm = this.index.lengthNorm(docLength[d] as number);
    let sumSquares = 0;
    let size = 0;
    const end = docStart[d + 1] as number;
    for (let j = docStart[d] as number; j < end; j++) {
      const t = docTerm[j] as number;
      const w = bm25Weight(docCount[j] as number, lengthNorm, idf[t] as number);
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
  }

  /** The terms contributing most to the measured candidate's similarity with vector `k`, largest first. */
  sharedTerms(k: number, limit: number): string[] {
    const { vector } = this;
    const q = this.vectors[k];
    if (!q) return [];
    const contributions: [number, number][] = [];
    if (vector.size <= q.size) {
      let lookup = this.lookups[k];
      if (!lookup) {
        lookup = new Map();
        for (let m = 0; m < q.size; m++) lookup.set(q.terms[m] as number, q.weights[m] as number);
        this.lookups[k] = lookup;
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
    return contributions.slice(0, limit).map(([l]) => this.terms.terms[l] ?? "");
  }
}
