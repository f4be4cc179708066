/**
 * The Concrete punch field: the paper's own central equation or main theorem when its source was read
 * (`paper-punch.ts`), else the abstract's own formula with its sentence, else the headline figure with its
 * baseline, else — last — the canonical equation of the topic ("schematically"), and the claim.
 */
import type { Candidate } from "../candidate";
import type { PaperContext } from "../paper/types";
import { MATH_SEGMENT } from "../tex/math-segments";
import { plainOf, type Sentence } from "./abstract";
import { ARCHIVE_FORMULAS, CANONICAL_FORMULAS, type CanonicalFormula } from "./formulas";
import { paperPunchOf } from "./paper-punch";
import { type Analysis, best, type Plan } from "./plan";
import { type Quantity, quantitiesIn } from "./quantities";
import {
  boldQuantities,
  lowerFirstWord,
  reportVoice,
  thirdPerson,
  tidy,
  truncateWords,
  upperFirst,
} from "./rewrite";

/** Canonical equations that fit the text, best first: title hits count three times. */
function canonicalCandidates(
  a: Analysis,
  tags: string[],
): { formula: CanonicalFormula; score: number; inTitle: boolean }[] {
  const body = `${a.plainAll}\n${tags.join(" ").replace(/-/g, " ")}`;
  return CANONICAL_FORMULAS.map((formula, order) => {
    const global = new RegExp(formula.pattern.source, "gi");
    const inTitle = formula.pattern.test(a.title);
    const hits = (body.match(global) ?? []).length;
    return { formula, score: hits + (inTitle ? 3 : 0) - order * 0.001, inTitle };
  })
    .filter((x) => x.score > 0.5)
    .sort((x, y) => y.score - x.score);
}

function archiveFormula(c: Candidate): CanonicalFormula {
  const archives = c.categories.map((cat) => cat.split(".")[0] ?? cat);
  const fallback = ARCHIVE_FORMULAS.default ?? fallbackFormula();
  if (archives.some((x) => x === "econ" || x === "q-fin")) return ARCHIVE_FORMULAS.econ ?? fallback;
  if (archives.some((x) => x === "math" || x === "math-ph")) return ARCHIVE_FORMULAS.math ?? fallback;
  if (archives.some((x) => /^(physics|cond-mat|quant-ph|hep|gr-qc|astro-ph|nucl|nlin)/.test(x))) {
    return ARCHIVE_FORMULAS.physics ?? fallback;
  }
  return fallback;
}

function fallbackFormula(): CanonicalFormula {
  return {
    topic: "empirical risk minimization",
    pattern: /./,
    tex: String.raw`\hat\theta=\arg\min_\theta\frac1n\sum_i\ell(f_\theta(x_i),y_i)`,
    gloss: "fit the model that minimizes average loss",
  };
}

/** Splits a sentence around a long formula so that it reads as display math. */
function displayFormulaIn(sentence: string, tex: string): string {
  const inline = `$${tex}$`;
  const i = sentence.indexOf(inline);
  if (i < 0 || tex.length < 24) return sentence;
  const before = sentence.slice(0, i).trim();
  const after = sentence
    .slice(i + inline.length)
    .trim()
    .replace(/^[,;]\s*/, "");
  return `${before}\n$$\n${tex}\n$$\n${after === "." ? "" : after}`.trim();
}

/** The clause of a sentence that holds a quantity ("achieving an improvement of at least 20% over MEM"). */
function clauseAround(text: string, quantity: Quantity): string {
  const math: string[] = [];
  const masked = text.replace(MATH_SEGMENT, (m) => {
    math.push(m);
    return `\uE000${math.length - 1}\uE000`;
  });
  const restore = (t: string) => t.replace(/\uE000(\d+)\uE000/g, (_m, i: string) => math[Number(i)] ?? "");
  const clauses = masked.split(/,\s+|;\s+|\s+—\s+/).map(restore);
  const i = clauses.findIndex((cl) => plainOf(cl).includes(quantity.text));
  if (i < 0) return text;
  let clause = clauses[i] ?? text;
  // keep the comparison that follows ("…, compared to FLAT")
  const next = clauses[i + 1];
  if (
    next &&
    /^(compared|relative|versus|vs|over|than|against|while|without|on|with|such as)\b/i.test(next)
  ) {
    clause += `, ${next}`;
  }
  return clause
    .replace(/^(and|while|achieving|reaching|yielding|resulting in|leading to|with)\s+/i, "")
    .replace(/[.]$/, "");
}

function headlineText(p: Plan, inIntuition: boolean): string | undefined {
  if (!p.headline) return undefined;
  const { s, quantity } = p.headline;
  if (inIntuition) {
    return `Headline number: ${boldQuantities(thirdPerson(clauseAround(s.text, quantity)))}.`;
  }
  return truncateWords(boldQuantities(reportVoice(tidy(s.text))), 60);
}

export interface Punch {
  text: string;
  used: Set<number>;
  /** The claim sentence quoted under a background equation, which Significance may need more. */
  claim?: number;
  /** Set when the punch quotes the paper's own source (its central equation or main theorem). */
  fromPaper?: "equation" | "theorem";
}

export function punchOf(
  c: Candidate,
  a: Analysis,
  p: Plan,
  tags: string[],
  withClaim = true,
  paper?: PaperContext,
): Punch {
  const parts: string[] = [];
  const used = new Set<number>();
  if (p.headline) used.add(p.headline.s.index);
  const fromPaper = paperPunchOf(paper, headlineText(p, true));
  if (fromPaper) return { text: fromPaper.text, used, fromPaper: fromPaper.kind };
  const intuitionIdx = new Set(p.intuition.map((s) => s.index));
  const headlineInIntuition = p.headline ? intuitionIdx.has(p.headline.s.index) : false;
  if (p.formula) {
    parts.push(displayFormulaIn(boldQuantities(tidy(p.formula.sentence.text)), p.formula.tex));
    used.add(p.formula.sentence.index);
    const h = headlineText(p, true);
    if (h) parts.push(h);
    return { text: parts.join("\n\n"), used };
  }
  const canonical = canonicalCandidates(a, tags)[0];
  // With a headline number, a background equation is only worth it when the title names its topic.
  const useCanonical = canonical && (!p.headline || canonical.inTitle || canonical.score >= 4);
  // the paper's own headline number leads; the background equation follows it
  const h = headlineText(p, headlineInIntuition);
  if (h) parts.push(h);
  if (useCanonical) {
    parts.push(
      `The object underneath (${canonical.formula.topic}), schematically:\n$$\n${canonical.formula.tex}\n$$\n${upperFirst(canonical.formula.gloss)}.`,
    );
  }
  if (h) return { text: parts.join("\n\n"), used };
  // no headline number: the main claim (a results sentence, else one with a plain figure)
  const claim =
    best(
      a.sentences,
      "result",
      intuitionIdx,
      (s) =>
        s.scores.result >= 1.2 &&
        /\b(show|find|indicat|demonstrat|reveal|outperform|achiev|improv|associated|yield|prove|establish)/i.test(
          s.plain,
        ),
    ) ??
    a.sentences.find(
      // a figure in the set-up ("Consider N particles on [0, β]") is not a claim
      (s) => !intuitionIdx.has(s.index) && s.index > 0 && quantitiesIn(s.plain).length > 0,
    );
  if (!useCanonical) {
    const fallback = archiveFormula(c);
    const hasNumber = claim ? quantitiesIn(claim.plain).length > 0 : false;
    if (!hasNumber) {
      parts.push(
        `The object underneath (${fallback.topic}), schematically:\n$$\n${fallback.tex}\n$$\n${upperFirst(fallback.gloss)}.`,
      );
    }
  }
  if (claim && (withClaim || parts.length === 0)) {
    parts.push(claimSentence(claim));
    used.add(claim.index);
    return { text: parts.join("\n\n"), used, claim: claim.index };
  }
  return { text: parts.join("\n\n"), used };
}

function claimSentence(s: Sentence): string {
  const text = truncateWords(boldQuantities(reportVoice(tidy(s.text))), 55);
  return /^They report/.test(text) ? text : `Their claim: ${lowerFirstWord(text)}`;
}
