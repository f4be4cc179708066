/**
 * Terms of a text for the lexical scorer (normalizing, tokenizing, a light stemmer, unigram and
 * bigram counts) and the sparse term vectors built on them. Deliberately small and dependency-free
 * so the same code runs in workerd and Node.
 */

/** A sparse term vector: term → weight. */
export type TermVector = Map<string, number>;

const STOPWORDS = new Set(
  (
    "a about above across after again against all almost also although always am among an and another any are " +
    "around as at be because been before being below between both but by can could did do does doing done down " +
    "due during each either else enough especially etc even ever every few for from further had has have having " +
    "he her here hers him his how however i if in into is it its itself just least less like made make makes " +
    "many may might more most much must my neither no nor not now of off often on once one only onto or other " +
    "others otherwise our ours out over own per perhaps rather same several shall she should since so some " +
    "such than that the their theirs them themselves then there therefore these they this those though through " +
    "thus to too toward towards under until up upon us use used uses using very via was we well were what when " +
    "where whether which while who whom whose why will with within without would yet you your " +
    // Boilerplate of abstracts: frequent everywhere, say nothing about the topic.
    "paper propose proposed present presents show shows shown study studies work approach approaches method " +
    "methods result results new novel based abstract furthermore moreover existing recent recently provide " +
    "provides demonstrate demonstrates achieve achieves significant significantly various different first " +
    "two three et al introduce introduces key main allow allows enable enables"
  ).split(" "),
);

/**
 * A light suffix stemmer (a few Porter step-1 rules): enough to join "transports"/"transport",
 * "matching"/"match", "games"/"game" without the cost or surprises of a full stemmer.
 */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("ss") || w.endsWith("us") || w.endsWith("is")) {
    // keep: "loss", "analysis", "stimulus"
  } else if (w.endsWith("s") && w.length > 4) w = w.slice(0, -1);
  if (w.endsWith("ing") && w.length > 6) w = w.slice(0, -3);
  else if (w.endsWith("ed") && w.length > 5 && !w.endsWith("eed")) w = w.slice(0, -2);
  if (w.endsWith("ation") && w.length > 8) w = w.slice(0, -5);
  if (w.endsWith("al") && w.length > 6) w = w.slice(0, -2);
  return w;
}

/** Lowercased, accent-free text with LaTeX commands and math delimiters turned into spaces. */
export function normalizeText(text: string): string {
  // NFKD is the slow step; most abstracts are plain ASCII and skip it.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range test is the point
  const ascii = /^[\x00-\x7f]*$/.test(text);
  return (ascii ? text : text.normalize("NFKD").replace(/[\u0300-\u036f]/g, ""))
    .toLowerCase()
    .replace(/\\[a-z]+/g, " ")
    .replace(/[$^_{}]/g, " ");
}

/** Stemmed content words of `text`, in order (stopwords and 1-letter tokens dropped). */
export function tokenize(text: string): string[] {
  return tokenizeNormalized(normalizeText(text));
}

const stemCache = new Map<string, string>();

/** Words of normalized text, in order, before stopwords are dropped. */
export function wordsOf(normalized: string): string[] {
  return normalized.match(/[a-z][a-z0-9]*/g) ?? [];
}

/** Whether a word of normalized text becomes a token (not a stopword, not a single letter). */
export function isContentWord(word: string): boolean {
  return word.length >= 2 && !STOPWORDS.has(word);
}

/** `tokenize` for text already passed through `normalizeText`. */
function tokenizeNormalized(normalized: string): string[] {
  const words = normalized.match(/[a-z][a-z0-9]*/g) ?? [];
  const tokens: string[] = [];
  for (const w of words) {
    if (w.length < 2 || STOPWORDS.has(w)) continue;
    let stemmed = stemCache.get(w);
    if (stemmed === undefined) {
      stemmed = stem(w);
      if (stemCache.size < 50_000) stemCache.set(w, stemmed);
    }
    tokens.push(stemmed);
  }
  return tokens;
}

/** Term frequencies of `text`. */
export function termCounts(text: string): Map<string, number> {
  return termCountsNormalized(normalizeText(text));
}

/** `termCounts` for text already passed through `normalizeText`. */
function termCountsNormalized(normalized: string): Map<string, number> {
  const tokens = tokenizeNormalized(normalized);
  const counts = new Map<string, number>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    counts.set(t, (counts.get(t) ?? 0) + 1);
    const next = tokens[i + 1];
    if (next !== undefined) {
      const bigram = `${t} ${next}`;
      counts.set(bigram, (counts.get(bigram) ?? 0) + 1);
    }
  }
  return counts;
}

/** Euclidean norm of a sparse vector. */
function norm(v: TermVector): number {
  let s = 0;
  for (const w of v.values()) s += w * w;
  return Math.sqrt(s);
}

/** `v` scaled to unit length (a zero vector stays empty). */
export function unit(v: TermVector): TermVector {
  const n = norm(v);
  const out: TermVector = new Map();
  if (n === 0) return out;
  for (const [t, w] of v) out.set(t, w / n);
  return out;
}

/** Dot product of two sparse vectors (iterates the smaller). */
export function dot(a: TermVector, b: TermVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [t, w] of small) {
    const x = large.get(t);
    if (x !== undefined) s += w * x;
  }
  return s;
}

/** `target += scale * v`. */
export function addInto(target: TermVector, v: TermVector, scale: number): void {
  for (const [t, w] of v) target.set(t, (target.get(t) ?? 0) + scale * w);
}
