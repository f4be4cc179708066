/**
 * The analysis of one abstract and the plan of which sentence goes to which field, so that no sentence is
 * quoted twice: the formula, the Intuition sentences and the headline figure.
 */
import type { Candidate } from "../candidate";
import { MATH_SEGMENT } from "../tex/math-segments";
import {
  classify,
  cleanAbstract,
  GENERIC_BACKGROUND,
  plainOf,
  type Role,
  type Sentence,
  SPECIFIC_PROBLEM,
  splitSentences,
} from "./abstract";
import { type Quantity, quantitiesIn } from "./quantities";
import { methodName, words } from "./rewrite";

interface Formula {
  tex: string;
  sentence: Sentence;
  score: number;
}

function formulasIn(sentences: Sentence[]): Formula[] {
  const out: Formula[] = [];
  for (const sentence of sentences) {
    for (const m of sentence.text.matchAll(MATH_SEGMENT)) {
      const tex = m[0].replace(/^\$+|\$+$/g, "").trim();
      let score = 0;
      if (/=|\\le|\\ge|\\approx|\\sim|\\propto|\\to|<|>|\\in\b/.test(tex)) score += 3;
      if (/\bO\(|\\mathcal\{?O/.test(tex)) score += 3;
      if (/\\frac|\\sqrt|\\sum|\\int|\\log|\\exp|\^|_/.test(tex)) score += 1;
      score += Math.min(3, tex.length / 12);
      if (/^\\?[A-Za-z]$|^\d+(\\%|%)?$|^\d+\\times\s?\d+$/.test(tex)) score = 0;
      out.push({ tex, sentence, score });
    }
  }
  return out.sort((a, b) => b.score - a.score || a.sentence.index - b.sentence.index);
}

export interface Analysis {
  sentences: Sentence[];
  name: string | undefined;
  title: string;
  plainAll: string;
}

export function analyze(c: Candidate): Analysis {
  const abstract = cleanAbstract(c.summary);
  const sentences = classify(splitSentences(abstract)).filter((s) => words(s.plain) >= 4);
  return {
    sentences,
    name: methodName(c.title),
    title: c.title,
    plainAll: `${c.title}\n${plainOf(abstract)}`,
  };
}

export function best(
  sentences: Sentence[],
  role: Role,
  exclude: Set<number>,
  filter?: (s: Sentence) => boolean,
): Sentence | undefined {
  let pick: Sentence | undefined;
  for (const s of sentences) {
    if (exclude.has(s.index) || (filter && !filter(s))) continue;
    if (!pick || s.scores[role] > pick.scores[role]) pick = s;
  }
  return pick;
}

/** A sentence that leans on the previous one ("Its application…", "This approach…"). */
export function leansBack(s: Sentence): boolean {
  return /^(?:(?:However|Moreover|Yet|But),?\s+)?(?:it|its|this|these|those|such|they|their|the latter|the former)\b/i.test(
    s.plain,
  );
}

export interface Plan {
  intuition: Sentence[];
  formula: Formula | undefined;
  headline: { s: Sentence; quantity: Quantity } | undefined;
}

/** Word budget of the Intuition: two sentences, as in the examples. */
export const INTUITION_WORDS = 70;

/** Beyond this, an Intuition sentence is ended at a clause boundary when it has one. */
export const LONG_SENTENCE = 45;

/** Decides which sentences go where, so that no sentence is quoted twice. */
export function plan(a: Analysis): Plan {
  const formula = formulasIn(a.sentences).find((f) => f.score >= 3);
  const reserved = new Set<number>(formula ? [formula.sentence.index] : []);
  const notBackground = (s: Sentence) => !GENERIC_BACKGROUND.test(s.plain);
  // the idea: what they do, or the key observation; background only when nothing else is there
  const idea = best(a.sentences, "idea", reserved, notBackground) ?? best(a.sentences, "idea", reserved);
  const intuition: Sentence[] = [];
  if (idea) intuition.push(idea);
  const taken = new Set<number>([...reserved, ...intuition.map((s) => s.index)]);
  const budget = () => intuition.reduce((n, s) => n + words(s.plain), 0);
  if (idea) {
    // a second sentence: the concrete difficulty the idea answers, else the mechanism that follows it
    const problem = best(
      a.sentences,
      "problem",
      taken,
      (s) =>
        s.index < idea.index &&
        SPECIFIC_PROBLEM.test(s.plain) &&
        notBackground(s) &&
        !leansBack(s) &&
        words(s.plain) <= 40,
    );
    const mechanism = best(
      a.sentences,
      "idea",
      taken,
      (s) =>
        s.index > idea.index &&
        s.index <= idea.index + 2 &&
        s.scores.idea >= 1 &&
        s.scores.result < 2.5 &&
        notBackground(s),
    );
    // an idea that points back ("this transition") needs the sentence it points to
    const context = /\b(?:this|these|such) (?!paper|work|study|article|note|end|way)[a-z]/i.test(idea.plain)
      ? a.sentences.find(
          (s) =>
            s.index === idea.index - 1 && !taken.has(s.index) && notBackground(s) && words(s.plain) <= 40,
        )
      : undefined;
    for (const second of [context, problem, mechanism]) {
      if (second && budget() + words(second.plain) <= INTUITION_WORDS + 10) {
        intuition.push(second);
        taken.add(second.index);
        break;
      }
    }
  }
  intuition.sort((x, y) => x.index - y.index);

  const headline = a.sentences
    .filter((s) => s.index !== formula?.sentence.index)
    .flatMap((s) => quantitiesIn(s.plain).map((quantity) => ({ s, quantity })))
    .filter((x) => x.quantity.weight >= 3)
    .sort(
      (x, y) =>
        y.quantity.weight - x.quantity.weight ||
        y.s.scores.result - x.s.scores.result ||
        x.s.index - y.s.index,
    )[0];
  return { intuition, formula, headline };
}
