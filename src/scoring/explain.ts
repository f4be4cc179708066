/**
 * The explanation of a score, in words the write-up's "Why it matches" can use: which interests it
 * matches (with the terms they share), which liked items it is close to, the reader's lenses it
 * shows, its signals, and what held it back.
 */
import type { ReaderVectors } from "./reader-vectors";
import { dislikedCost, maxOf, saturate } from "./relevance";
import { TOPICS } from "./taxonomy";

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

/** When the explanation names what (closeness is a saturated similarity, as in the relevance formula). */
const EXPLAIN = {
  /** An interest is named at this closeness … */
  interestCloseness: 0.35,
  /** … or the best one at this lower closeness. */
  bestInterestCloseness: 0.2,
  /** A liked item is named at this closeness. */
  likedCloseness: 0.3,
  /** Interests and liked items named, at most. */
  maxNamed: 2,
  /** A disliked item is named when the resemblance cost this much relevance or more. */
  dislikedCost: 0.03,
  /** Shared terms are shown from this relevance on: nobody reads a weak candidate's explanation closely. */
  sharedTermsRelevance: 0.1,
  /** Shared terms shown, at most … */
  sharedTerms: 3,
  /** … out of this many top contributions. */
  sharedTermsConsidered: 12,
} as const;

export interface ExplainInput {
  reader: ReaderVectors;
  relevance: number;
  /** Interest similarities with their interest index, best first. */
  interestOrder: (readonly [number, number])[];
  /** Similarity to each liked item. */
  likedSims: number[];
  /**
   * The stems the candidate shares with interest `k`, largest contribution first, with their
   * surface forms; undefined when the candidate has no text to show them from.
   */
  sharedStems: ((k: number, limit: number) => { stems: string[]; surfaces: Map<string, string> }) | undefined;
  lenses: string[];
  signals: string[];
  /** Similarity to each disliked item. */
  dislikedSims: number[];
  /** The reference paper it is, or nearly is. */
  known: string | undefined;
  /** The reader's topics it carries. */
  readerTags: string[];
}

export function explain(x: ExplainInput): Explanation {
  const matchedInterests = x.interestOrder
    .filter(
      ([s], rank) =>
        saturate(s) >= EXPLAIN.interestCloseness ||
        (rank === 0 && saturate(s) >= EXPLAIN.bestInterestCloseness),
    )
    .slice(0, EXPLAIN.maxNamed)
    .map(([, k]) => x.reader.interests[k]?.text ?? "")
    .filter((s) => s.length > 0);
  const likedTitles = x.likedSims
    .map((s, k) => [s, k] as const)
    .filter(([s]) => saturate(s) >= EXPLAIN.likedCloseness)
    .sort((a, b) => b[0] - a[0])
    .slice(0, EXPLAIN.maxNamed)
    .map(([, k]) => x.reader.liked[k]?.title ?? "")
    .filter((s) => s.length > 0);

  const sentences: string[] = [];
  const topInterest = x.interestOrder[0];
  if (matchedInterests.length > 0 && topInterest) {
    const q = x.reader.interests[topInterest[1]];
    const shared =
      q && x.sharedStems && x.relevance >= EXPLAIN.sharedTermsRelevance
        ? readableTerms(x.sharedStems(topInterest[1], EXPLAIN.sharedTermsConsidered), EXPLAIN.sharedTerms)
        : [];
    const also = matchedInterests[1] ? `, and touches ${interestHead(matchedInterests[1])}` : "";
    sentences.push(
      `Matches your interest in ${interestHead(matchedInterests[0] ?? "")}${shared.length > 0 ? ` (${shared.join(", ")})` : ""}${also}.`,
    );
  } else if (x.readerTags.length > 0) {
    const labels = x.readerTags.map((t) => TOPICS.find((topic) => topic.slug === t)?.label ?? t);
    sentences.push(`Touches ${labels.join(" and ")}, close to your interests, but only loosely.`);
  } else {
    sentences.push("Little overlap with your interests.");
  }
  const extras: string[] = [];
  if (likedTitles.length > 0)
    extras.push(`close to ${likedTitles.map(quote).join(" and ")}, which you liked`);
  if (x.lenses.length > 0)
    extras.push(`reads through your ${x.lenses.join(" and ")} lens${x.lenses.length > 1 ? "es" : ""}`);
  if (x.signals.length > 0) extras.push(x.signals.join(", "));
  if (extras.length > 0) sentences.push(`${sentenceCase(extras.join("; "))}.`);
  // Say so whenever the resemblance cost the item noticeably.
  const maxDisliked = maxOf(x.dislikedSims);
  const disliked =
    dislikedCost(maxDisliked) >= EXPLAIN.dislikedCost
      ? x.reader.disliked[x.dislikedSims.indexOf(maxDisliked)]?.title
      : undefined;
  if (disliked) sentences.push(`Resembles ${quote(disliked)}, which you marked down.`);
  if (x.known) sentences.push(`Very close to ${quote(x.known)}, which you already know.`);
  return {
    interests: matchedInterests,
    liked: likedTitles,
    lenses: x.lenses,
    signals: x.signals,
    text: sentences.join(" "),
  };
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
function readableTerms(shared: { stems: string[]; surfaces: Map<string, string> }, limit: number): string[] {
  const { stems, surfaces } = shared;
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
