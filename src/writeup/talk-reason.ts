/**
 * The one-line reason beside a talk: what the talk covers (from its own description) and why it fits the
 * pick it accompanies (the topics they share), or the reader's interest it serves when it fits no pick.
 */
import type { Candidate } from "../candidate";
import type { ReaderProfile } from "../profile";
import { formatDuration } from "./meta";
import { clauseCut, joinList, truncateWords } from "./rewrite";
import { TOPIC_PHRASE } from "./significance";
import { interestHits, shortInterest } from "./why-it-matches";

function sharedTopics(a: string, b: string): string[] {
  return TOPIC_PHRASE.filter((t) => t.pattern.test(a) && t.pattern.test(b)).map((t) => t.phrase);
}

/**
 * What the talk covers: the first sentence of its description, in lower case, without its period; a long
 * one ends at a clause boundary so it still reads whole, and is cut with an ellipsis only when none fits.
 */
function coversOf(video: Candidate): string {
  const first = (video.summary.split(/(?<=[.!?])\s+/)[0] ?? "").trim() || video.title;
  const text = (clauseCut(first, 24) ?? truncateWords(first, 24)).replace(/[.]$/, "");
  return /^[A-Z][a-z]/.test(text) ? `${text.charAt(0).toLowerCase()}${text.slice(1)}` : text;
}

function whoOf(video: Candidate): string {
  const parts = [
    video.authors[0],
    video.signals.channel,
    video.signals.durationSeconds ? formatDuration(video.signals.durationSeconds) : undefined,
  ].filter((x): x is string => Boolean(x));
  return [...new Set(parts)].join(", ");
}

/** Ends a clause as a sentence, without doubling the ellipsis of a shortened one. */
function end(clause: string): string {
  return clause.endsWith("…") ? clause : `${clause}.`;
}

/** The reason line for a talk, given the day's picks and the reader. */
export function talkReason(
  video: Candidate,
  context: { picks: Candidate[]; profile: ReaderProfile },
): string {
  const text = `${video.title} ${video.summary}`;
  const who = whoOf(video);
  const covers = coversOf(video);
  for (const pick of context.picks) {
    const sameAuthor = pick.authors.some((au) => au.length > 3 && text.includes(au.split(" ").pop() ?? au));
    if (sameAuthor)
      return `Author talk for “${pick.title}”${who ? ` (${who})` : ""}: the paper's ideas in the author's own words — ${covers}.`;
  }
  // the pick it shares the most with, not merely the first that shares anything
  const best = context.picks
    .map((pick, order) => ({ pick, order, topics: sharedTopics(text, `${pick.title} ${pick.summary}`) }))
    .filter((x) => x.topics.length > 0)
    .sort((x, y) => y.topics.length - x.topics.length || x.order - y.order)[0];
  if (best) {
    return `Companion to “${best.pick.title}”${who ? ` (${who})` : ""}: ${end(covers)} Why it fits: the pick and the talk share ${joinList(best.topics)}.`;
  }
  const interest = interestHits(context.profile, text)[0];
  const where = who ? `${who}: ` : "";
  return interest
    ? `${where}${covers} — a theme you follow (${shortInterest(interest)}).`
    : `${where}${covers} — a standalone talk to widen today's picks.`;
}
