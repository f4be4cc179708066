/**
 * The reader model: what the scorer knows about one reader (profile, standing rules, rated items
 * and the term weights learned from the ratings), built from the stored profile and feedback.
 */
import type { Feedback, Rule } from "../issue";
import type { ReaderProfile } from "../profile";
import { addInto, type TermVector, termCounts, unit } from "./terms";

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
