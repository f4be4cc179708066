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
import { domainOf, timeCostOf } from "./meta";
import { analyze, plan } from "./plan";
import { punchOf } from "./punch";
import { significanceOf } from "./significance";
import { talkReason } from "./talk-reason";
import { writeTool } from "./tool";
import type { WriteInput, Writer } from "./types";
import { whyItMatchesOf } from "./why-it-matches";

/** What every punch must carry: a formula or a figure. */
const FORMULA_OR_FIGURE = /\$[^$]+\$|\d|orders? of magnitude/;

function writePaper(input: WriteInput): Writeup {
  const c = input.candidate;
  const a = analyze(c);
  const p = plan(a);
  let punch = punchOf(c, a, p, input.tags, true, input.paper);
  let significance = significanceOf(c, a, p, punch, input.explanation, false);
  if (!significance && punch.claim !== undefined && !punch.fromPaper) {
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

/**
 * "Why it matches" alone, for one reader: the part of a write-up that is per reader, so that the
 * other fields can be written once per candidate and day and shared (src/writeup/shared.ts).
 */
export function whyItMatchesFor(input: WriteInput): string {
  // A tool's write-up is a few string operations; a paper's analysis is the costly part, done alone.
  if (input.candidate.kind === "tool") return writeTool(input).whyItMatches;
  return whyItMatchesOf(analyze(input.candidate), input.explanation, input.profile);
}

/** Writes Intuition, Concrete punch, Significance and Why it matches from the abstract, and the paper's source when it was read. */
export const deterministicWriter: Writer = {
  name: "deterministic",
  async writeItem(input: WriteInput): Promise<Writeup> {
    return input.candidate.kind === "tool" ? writeTool(input) : writePaper(input);
  },
  videoReason(video: Candidate, context: { picks: Candidate[]; profile: ReaderProfile }): string {
    return talkReason(video, context);
  },
};
