/**
 * The built-in writer (embedded default): no model, no network, same input → same text.
 *
 * It reads the abstract sentence by sentence, classifies each by role (problem, idea, result, impact —
 * from cue phrases, position and numbers), and writes:
 * - Intuition: the problem and the idea, in the third person, method name in bold;
 * - Concrete punch: the key formula (LaTeX from the abstract, else the canonical equation of the topic)
 *   and/or the headline number with its unit and baseline, numbers in bold;
 * - Significance: the impact or result sentence not used yet, code link, outside signals;
 * - Why it matches: from the scorer's explanation (interests, liked items, lenses, signals).
 *
 * Rooms: `abstract` (cleanup, sentences, roles), `quantities`, `rewrite`, `plan` (which sentence goes where),
 * one module per field (`intuition`, `punch`, `significance`, `why-it-matches`), and `tool` for repositories.
 */
import type { Candidate } from "../candidate";
import type { Writeup } from "../issue";
import type { ReaderProfile } from "../profile";
import { intuitionOf } from "./intuition";
import { domainOf, formatDuration, timeCostOf } from "./meta";
import { analyze, plan } from "./plan";
import { punchOf } from "./punch";
import { significanceOf, TOPIC_PHRASE } from "./significance";
import { writeTool } from "./tool";
import type { WriteInput, Writer } from "./types";
import { interestHits, shortInterest, whyItMatchesOf } from "./why-it-matches";

/** What every punch must carry: a formula or a figure. */
const FORMULA_OR_FIGURE = /\$[^$]+\$|\d|orders? of magnitude/;

function writePaper(input: WriteInput): Writeup {
  const c = input.candidate;
  const a = analyze(c);
  const p = plan(a);
  let punch = punchOf(c, a, p, input.tags);
  let significance = significanceOf(c, a, p, punch, input.explanation, false);
  if (!significance && punch.claim !== undefined) {
    // the only outcome sentence sits under a background equation: it says more as the Significance
    const lean = punchOf(c, a, p, input.tags, false);
    const moved = significanceOf(c, a, p, lean, input.explanation, false);
    if (moved && FORMULA_OR_FIGURE.test(lean.text)) {
      punch = lean;
      significance = moved;
    }
  }
  return {
    domain: domainOf(c, input.tags),
    timeCost: timeCostOf(c),
    intuition: intuitionOf(c, a, p),
    punch: punch.text,
    significance: significance ?? significanceOf(c, a, p, punch, input.explanation) ?? "",
    whyItMatches: whyItMatchesOf(a, input.explanation, input.profile),
  };
}

function sharedTopic(a: string, b: string): string | undefined {
  const topic = TOPIC_PHRASE.find((t) => t.pattern.test(a) && t.pattern.test(b));
  return topic?.phrase;
}

/** Writes Intuition, Concrete punch, Significance and Why it matches from the abstract alone. */
export const deterministicWriter: Writer = {
  name: "deterministic",
  async writeItem(input: WriteInput): Promise<Writeup> {
    return input.candidate.kind === "tool" ? writeTool(input) : writePaper(input);
  },
  videoReason(video: Candidate, context: { picks: Candidate[]; profile: ReaderProfile }): string {
    const text = `${video.title} ${video.summary}`;
    const duration = video.signals.durationSeconds
      ? formatDuration(video.signals.durationSeconds)
      : undefined;
    const channel = video.signals.channel;
    for (const pick of context.picks) {
      const topic = sharedTopic(text, `${pick.title} ${pick.summary}`);
      const sameAuthor = pick.authors.some((au) => au.length > 3 && text.includes(au.split(" ").pop() ?? au));
      if (sameAuthor)
        return `Author talk for “${pick.title}”${duration ? ` (${duration})` : ""}: the paper's ideas in the author's own words.`;
      if (topic)
        return `Companion to “${pick.title}”: ${channel ? `${channel} on ` : "a talk on "}${topic}${duration ? `, ${duration}` : ""}.`;
    }
    const interest = interestHits(context.profile, text)[0];
    const where = channel ? `${channel}` : "A talk";
    return interest
      ? `${where}${duration ? ` (${duration})` : ""} on a theme you follow: ${shortInterest(interest)}.`
      : `${where}${duration ? ` (${duration})` : ""}: a standalone talk to widen today's picks.`;
  },
};
