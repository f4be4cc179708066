/**
 * BM25 statistics of one ranking run: document frequencies of the reader's pool (the prepared
 * corpus, less the documents this pool leaves out) plus the reader's own texts, and the BM25 and
 * query weightings built on them.
 */
import { type Corpus, idfOf } from "./corpus";
import { type TermVector, unit } from "./terms";

/** BM25 term-frequency saturation. */
const BM25_K1 = 1.2;
/** BM25 document-length normalization. */
const BM25_B = 0.75;

/** The BM25 weight of a term seen `n` times in a document, given the document's `lengthNorm`. */
export function bm25Weight(n: number, lengthNorm: number, idf: number): number {
  return ((n * (BM25_K1 + 1)) / (n + lengthNorm)) * idf;
}

/**
 * IDF statistics of one ranking run: the reader's pool (the corpus documents, less those not in
 * this pool) plus the reader's own texts.
 */
export class LexicalIndex {
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

  /** The index of the pool `docs` (corpus document numbers) of `corpus`, before the reader's texts. */
  static ofPool(corpus: Corpus, docs: Int32Array): LexicalIndex {
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
    return new LexicalIndex(corpus, dfDelta, docs.length, totalLength);
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

  /** The BM25 length normalization of a document of `len` terms, for `bm25Weight`. */
  lengthNorm(len: number): number {
    return BM25_K1 * (1 - BM25_B + (BM25_B * len) / this.averageLength(len));
  }

  /** BM25 term weights, unit length. */
  docVector(counts: Map<string, number>): TermVector {
    let len = 0;
    for (const n of counts.values()) len += n;
    const lengthNorm = this.lengthNorm(len);
    const v: TermVector = new Map();
    let sumSquares = 0;
    for (const [t, n] of counts) {
      const w = bm25Weight(n, lengthNorm, this.idf(t));
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

  /** Weights (learned from ratings) times idf, unit length. */
  weighted(weights: TermVector): TermVector {
    const v: TermVector = new Map();
    for (const [t, w] of weights) v.set(t, w * this.idf(t));
    return unit(v);
  }
}
