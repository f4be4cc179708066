/**
 * The reader-independent half of ranking: one pool of candidates analysed once — normalized text,
 * tokens interned as integer term ids, per-document term counts in flat typed arrays, document
 * frequencies, taxonomy tags, lens cues and identity keys. Every reader ranked against the same
 * pool (or a subset of it: the pool minus what that reader has seen) reuses it, so a reader's
 * ranking pays only for the reader's own texts and the arithmetic of the term vectors.
 */
import type { Candidate } from "../candidate";
import { canonicalId } from "../identity";
import { identityKeysOf, rememberIdentityKeys } from "./identity-keys";
import { KNOWN_LENS_COUNT, showsKnownLens } from "./lenses";
import { topicsOfNormalized } from "./taxonomy";
import { isContentWord, normalizeText, stem, wordsOf } from "./terms";

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

/** A reference or identity key in the form the novelty check compares. */
export function normalizeRefId(id: string): string {
  return canonicalId(id) ?? id.trim();
}

/**
 * Bigram ids by their two unigram ids: open addressing over typed arrays, several times faster
 * than a Map keyed by a number that no longer fits a small integer.
 */
class PairTable {
  private firsts: Int32Array;
  private seconds: Int32Array;
  private ids: Int32Array;
  private count = 0;

  constructor(capacity = 1 << 16) {
    this.firsts = new Int32Array(capacity).fill(-1);
    this.seconds = new Int32Array(capacity);
    this.ids = new Int32Array(capacity);
  }

  private slotOf(first: number, second: number): number {
    const mask = this.firsts.length - 1;
    // Murmur-style mixing: the low bits of the slot depend on every bit of both ids.
    let h = Math.imul(first, 0x9e3779b1) + second;
    h = Math.imul(h ^ (h >>> 15), 0x85ebca77);
    h = (h ^ (h >>> 13)) & mask;
    for (;;) {
      const f = this.firsts[h] as number;
      if (f === -1 || (f === first && this.seconds[h] === second)) return h;
      h = (h + 1) & mask;
    }
  }

  get(first: number, second: number): number | undefined {
    const h = this.slotOf(first, second);
    return this.firsts[h] === -1 ? undefined : this.ids[h];
  }

  set(first: number, second: number, id: number): void {
    if (2 * (this.count + 1) > this.firsts.length) this.grow();
    const h = this.slotOf(first, second);
    if (this.firsts[h] === -1) this.count++;
    this.firsts[h] = first;
    this.seconds[h] = second;
    this.ids[h] = id;
  }

  private grow(): void {
    const { firsts, seconds, ids } = this;
    this.firsts = new Int32Array(firsts.length * 2).fill(-1);
    this.seconds = new Int32Array(firsts.length * 2);
    this.ids = new Int32Array(firsts.length * 2);
    for (let h = 0; h < firsts.length; h++) {
      const f = firsts[h] as number;
      if (f === -1) continue;
      const at = this.slotOf(f, seconds[h] as number);
      this.firsts[at] = f;
      this.seconds[at] = seconds[h] as number;
      this.ids[at] = ids[h] as number;
    }
  }
}

/** BM25-style inverse document frequency, the one formula every IDF in ranking uses. */
export function idfOf(df: number, docs: number): number {
  return Math.log(1 + (docs - df + 0.5) / (df + 0.5));
}

/** The fields of a candidate the corpus was built from, to tell a changed candidate from the same one. */
interface DocumentSource {
  candidate: Candidate;
  text: string;
  url: string | undefined;
  doi: string | undefined;
  aliases: readonly string[];
  categories: readonly string[];
}

/**
 * A pool of candidates analysed for ranking, independent of any reader. Build it with
 * `prepareCorpus`; pass it to `rankCandidates` for any reader whose pool is these candidates or a
 * subset of them. Immutable once built, except for an internal cache of IDF tables.
 */
export class Corpus {
  /** Number of documents (one per candidate it was built from). */
  readonly size: number;
  /** Per document, the text it was judged by (`candidateText`). */
  readonly texts: readonly string[];
  /** Per document, its taxonomy topic slugs. */
  readonly tags: readonly (readonly string[])[];
  /** Per document, its identity keys (`identityKeys`). */
  readonly identityKeys: readonly (readonly string[])[];
  /** Per document, its identity keys in novelty-check form. */
  readonly referenceKeys: readonly (readonly string[])[];
  /** Per document, the archives ("cs", "math", "q-fin") of its categories. */
  readonly archives: readonly (readonly string[])[];
  /** Per known lens (`knownLensIndex`), 1 for each document that shows its cues. */
  readonly lensCues: readonly Uint8Array[];
  /** Document `d`'s distinct terms are `docTerm[docStart[d]..docStart[d+1])`, in first-occurrence order. */
  readonly docStart: Int32Array;
  readonly docTerm: Int32Array;
  /** How often each of those terms occurs in the document. */
  readonly docCount: Int32Array;
  /** Per document, its total number of term occurrences. */
  readonly docLength: Int32Array;
  /** Per term id, the number of documents containing it. */
  readonly df: Int32Array;
  /** Sum of `docLength`. */
  readonly totalLength: number;
  /** Number of term ids. */
  readonly vocabularySize: number;
  private readonly unigramIds: ReadonlyMap<string, number>;
  private readonly bigramIds: PairTable;
  /** Document `d`'s content words are `docWord[wordStart[d]..wordStart[d+1])`, as word ids, in order. */
  private readonly wordStart: Int32Array;
  private readonly docWord: Int32Array;
  private readonly words: readonly string[];
  /** Per word id, the unigram term id of its stem. */
  private readonly wordTerm: Int32Array;
  private readonly sources: readonly DocumentSource[];
  private readonly docsById: ReadonlyMap<string, readonly number[]>;
  private readonly idfTables = new Map<number, Float64Array>();

  /** @internal Use `prepareCorpus`. */
  constructor(init: {
    sources: DocumentSource[];
    tags: string[][];
    identityKeys: (readonly string[])[];
    referenceKeys: string[][];
    archives: string[][];
    lensCues: Uint8Array[];
    docStart: Int32Array;
    docTerm: Int32Array;
    docCount: Int32Array;
    docLength: Int32Array;
    df: Int32Array;
    totalLength: number;
    unigramIds: Map<string, number>;
    bigramIds: PairTable;
    wordStart: Int32Array;
    docWord: Int32Array;
    words: string[];
    wordTerm: Int32Array;
  }) {
    this.size = init.sources.length;
    this.sources = init.sources;
    this.texts = init.sources.map((s) => s.text);
    this.tags = init.tags;
    this.identityKeys = init.identityKeys;
    this.referenceKeys = init.referenceKeys;
    this.archives = init.archives;
    this.lensCues = init.lensCues;
    this.docStart = init.docStart;
    this.docTerm = init.docTerm;
    this.docCount = init.docCount;
    this.docLength = init.docLength;
    this.df = init.df;
    this.totalLength = init.totalLength;
    this.vocabularySize = init.df.length;
    this.unigramIds = init.unigramIds;
    this.bigramIds = init.bigramIds;
    this.wordStart = init.wordStart;
    this.docWord = init.docWord;
    this.words = init.words;
    this.wordTerm = init.wordTerm;
    const byId = new Map<string, number[]>();
    init.sources.forEach((s, d) => {
      const list = byId.get(s.candidate.id);
      if (list) list.push(d);
      else byId.set(s.candidate.id, [d]);
    });
    this.docsById = byId;
  }

  /** The id of a term ("optim" or the bigram "optim transport"), if some document has it. */
  termId(term: string): number | undefined {
    const space = term.indexOf(" ");
    if (space < 0) return this.unigramIds.get(term);
    const first = this.unigramIds.get(term.slice(0, space));
    const second = this.unigramIds.get(term.slice(space + 1));
    if (first === undefined || second === undefined) return undefined;
    return this.bigramIds.get(first, second);
  }

  /**
   * The document of each candidate, in order, or undefined when some candidate is not in this
   * corpus as it was when the corpus was built (unknown id, or changed text, links or categories).
   */
  documentsOf(candidates: readonly Candidate[]): Int32Array | undefined {
    const out = new Int32Array(candidates.length);
    const used = new Map<string, number>();
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i] as Candidate;
      const docs = this.docsById.get(c.id);
      const nth = used.get(c.id) ?? 0;
      const d = docs?.[nth];
      if (d === undefined) return undefined;
      used.set(c.id, nth + 1);
      const source = this.sources[d] as DocumentSource;
      if (source.candidate !== c) {
        if (!sameSource(source, c)) return undefined;
        // Same id, aliases, DOI and URL: the same identity keys.
        rememberIdentityKeys(c, this.identityKeys[d] ?? []);
      }
      out[i] = d;
    }
    return out;
  }

  /**
   * IDF per term id for a ranking over `docs` documents, from the corpus document frequencies.
   * Cached per document count: readers with the same pool size and number of own texts share it.
   * The caller must not write into the returned table.
   */
  idfTable(docs: number): Float64Array {
    let table = this.idfTables.get(docs);
    if (!table) {
      table = new Float64Array(this.vocabularySize);
      for (let t = 0; t < table.length; t++) table[t] = idfOf(this.df[t] as number, docs);
      // A handful of tables covers a day's readers; drop the oldest beyond that.
      if (this.idfTables.size >= 8) {
        const oldest = this.idfTables.keys().next().value;
        if (oldest !== undefined) this.idfTables.delete(oldest);
      }
      this.idfTables.set(docs, table);
    }
    return table;
  }

  /**
   * The words as written behind some of document `d`'s terms (stem → word, stem bigram → two
   * words), taking each term's first occurrence, so explanations say "optimal transport" rather
   * than the stem "optim transport". Terms not in the document are left out.
   */
  surfaceForms(d: number, terms: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    const from = this.wordStart[d] as number;
    const to = this.wordStart[d + 1] as number;
    for (const term of terms) {
      const space = term.indexOf(" ");
      const first = this.unigramIds.get(space < 0 ? term : term.slice(0, space));
      const second = space < 0 ? undefined : this.unigramIds.get(term.slice(space + 1));
      if (first === undefined || (space >= 0 && second === undefined)) continue;
      for (let k = from; k < to; k++) {
        const word = this.docWord[k] as number;
        if (this.wordTerm[word] !== first) continue;
        if (second === undefined) {
          out.set(term, this.words[word] as string);
          break;
        }
        const next = k + 1 < to ? (this.docWord[k + 1] as number) : -1;
        if (next >= 0 && this.wordTerm[next] === second) {
          out.set(term, `${this.words[word]} ${this.words[next]}`);
          break;
        }
      }
    }
    return out;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameSource(source: DocumentSource, c: Candidate): boolean {
  return (
    source.url === c.url &&
    source.doi === c.doi &&
    sameList(source.aliases, c.aliases) &&
    sameList(source.categories, c.categories) &&
    source.text === candidateText(c)
  );
}

function grown(a: Int32Array<ArrayBuffer>, needed: number): Int32Array<ArrayBuffer> {
  if (needed <= a.length) return a;
  const out = new Int32Array(Math.max(needed, a.length * 2));
  out.set(a);
  return out;
}

/** Interns the words and terms of documents, one document at a time. */
class TermCounter {
  readonly unigramIds = new Map<string, number>();
  readonly bigramIds = new PairTable();
  private readonly wordIds = new Map<string, number>();
  readonly words: string[] = [];
  /** Per word id: its stem's term id, or -1 for a word that is not a token. */
  wordTerm = new Int32Array(1 << 14);
  termCount = 0;
  df = new Int32Array(1 << 16);
  /** Per term id, the last document (+1) it was seen in, and its slot in that document. */
  private seenIn = new Int32Array(1 << 16);
  private slot = new Int32Array(1 << 16);
  docTerm = new Int32Array(1 << 16);
  docCount = new Int32Array(1 << 16);
  termsUsed = 0;
  docWord = new Int32Array(1 << 16);
  wordsUsed = 0;

  private newTerm(): number {
    const id = this.termCount++;
    if (id >= this.df.length) {
      this.df = grown(this.df, id + 1);
      this.seenIn = grown(this.seenIn, id + 1);
      this.slot = grown(this.slot, id + 1);
    }
    return id;
  }

  private wordId(w: string): number {
    let wid = this.wordIds.get(w);
    if (wid === undefined) {
      wid = this.words.length;
      this.words.push(w);
      this.wordIds.set(w, wid);
      let term = -1;
      if (isContentWord(w)) {
        const stemmed = stem(w);
        const known = this.unigramIds.get(stemmed);
        term = known ?? this.newTerm();
        if (known === undefined) this.unigramIds.set(stemmed, term);
      }
      this.wordTerm = grown(this.wordTerm, wid + 1);
      this.wordTerm[wid] = term;
    }
    return wid;
  }

  private count(t: number, mark: number): void {
    if (this.seenIn[t] === mark) {
      const at = this.slot[t] as number;
      this.docCount[at] = (this.docCount[at] as number) + 1;
      return;
    }
    this.seenIn[t] = mark;
    this.slot[t] = this.termsUsed;
    this.docTerm[this.termsUsed] = t;
    this.docCount[this.termsUsed++] = 1;
    this.df[t] = (this.df[t] as number) + 1;
  }

  /**
   * Counts document number `d`'s terms, in the order a Map of term counts would first see them
   * (t0, t0 t1, t1, t1 t2, t2, …); returns its number of term occurrences.
   */
  add(d: number, normalized: string): number {
    const words = wordsOf(normalized);
    // At most one unigram and one bigram per word.
    this.docTerm = grown(this.docTerm, this.termsUsed + 2 * words.length);
    this.docCount = grown(this.docCount, this.termsUsed + 2 * words.length);
    this.docWord = grown(this.docWord, this.wordsUsed + words.length);
    const mark = d + 1;
    let length = 0;
    let previous = -1;
    for (const w of words) {
      const wid = this.wordId(w);
      const t = this.wordTerm[wid] as number;
      if (t < 0) continue;
      this.docWord[this.wordsUsed++] = wid;
      if (previous >= 0) {
        let bigram = this.bigramIds.get(previous, t);
        if (bigram === undefined) {
          bigram = this.newTerm();
          this.bigramIds.set(previous, t, bigram);
        }
        this.count(bigram, mark);
        length++;
      }
      this.count(t, mark);
      length++;
      previous = t;
    }
    return length;
  }
}

/**
 * Analyses a pool of candidates once, for every reader ranked against it (or against a subset of
 * it). Everything here is reader-independent; `rankCandidates(…, { corpus })` gives the same
 * ranking as without it.
 */
export function prepareCorpus(candidates: readonly Candidate[]): Corpus {
  const counter = new TermCounter();
  const docStart = new Int32Array(candidates.length + 1);
  const docLength = new Int32Array(candidates.length);
  const wordStart = new Int32Array(candidates.length + 1);
  let totalLength = 0;
  const sources: DocumentSource[] = [];
  const tags: string[][] = [];
  const keys: (readonly string[])[] = [];
  const referenceKeys: string[][] = [];
  const archives: string[][] = [];
  const lensCues = Array.from({ length: KNOWN_LENS_COUNT }, () => new Uint8Array(candidates.length));

  for (let d = 0; d < candidates.length; d++) {
    const c = candidates[d] as Candidate;
    const text = candidateText(c);
    const normalized = normalizeText(text);
    sources.push({
      candidate: c,
      text,
      url: c.url,
      doi: c.doi,
      aliases: [...c.aliases],
      categories: [...c.categories],
    });
    tags.push(topicsOfNormalized(normalized));
    const identity = identityKeysOf(c);
    keys.push(identity);
    referenceKeys.push(identity.map(normalizeRefId));
    archives.push(c.categories.map((cat) => cat.toLowerCase().split(".")[0] ?? ""));
    for (let k = 0; k < KNOWN_LENS_COUNT; k++) {
      if (showsKnownLens(k, normalized)) (lensCues[k] as Uint8Array)[d] = 1;
    }

    const length = counter.add(d, normalized);
    docStart[d + 1] = counter.termsUsed;
    wordStart[d + 1] = counter.wordsUsed;
    docLength[d] = length;
    totalLength += length;
  }

  return new Corpus({
    sources,
    tags,
    identityKeys: keys,
    referenceKeys,
    archives,
    lensCues,
    docStart,
    docTerm: counter.docTerm.slice(0, counter.termsUsed),
    docCount: counter.docCount.slice(0, counter.termsUsed),
    docLength,
    df: counter.df.slice(0, counter.termCount),
    totalLength,
    unigramIds: counter.unigramIds,
    bigramIds: counter.bigramIds,
    wordStart,
    docWord: counter.docWord.slice(0, counter.wordsUsed),
    words: counter.words,
    wordTerm: counter.wordTerm.slice(0, counter.words.length),
  });
}
