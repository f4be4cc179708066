/**
 * The Concrete punch from the paper itself, when its source was read: the paper's central equation (chosen
 * by `centralEquation`: the one the introduction or contributions cite, the most referenced, in the method
 * section) with the sentence that introduces it and the "where …" that explains it, or, when the paper has
 * a main theorem and no equation it refers back to, that theorem's statement; then the headline figure
 * with its baseline. The topic's textbook formula stays the last fallback (see `punch.ts`).
 */
import type { PaperContext, PaperEquation, PaperTheorem } from "../paper/types";
import {
  boldQuantities,
  DISCOURSE_MARKER,
  ensurePeriod,
  thirdPerson,
  truncateWords,
  upperFirst,
  words,
} from "./rewrite";

export interface PaperPunch {
  text: string;
  /** What the punch quotes: the paper's own equation or theorem. */
  kind: "equation" | "theorem";
}

/** Ends a sentence with a period unless it was shortened ("…") or already ends. */
function endSentence(s: string): string {
  return s.endsWith("…") ? s : ensurePeriod(s);
}

/** A sentence from the paper that leads into a display: third person, no dangling connective, no period. */
function leadIn(s: string): string {
  const t = upperFirst(thirdPerson(s).replace(DISCOURSE_MARKER, "").trim());
  return words(t) > 45 ? truncateWords(t, 45) : t;
}

function equationPunch(eq: PaperEquation): string {
  const lead = eq.before
    ? leadIn(eq.before)
    : `The central equation of the paper${eq.section ? ` (${eq.section})` : ""}:`;
  const after = eq.after ? endSentence(truncateWords(thirdPerson(eq.after), 45)) : "";
  return [lead, "$$", eq.tex, "$$", after].filter((x) => x !== "").join("\n");
}

function theoremPunch(t: PaperTheorem): string {
  const name = `**${t.kind}${t.title && !/^\(?\s*$/.test(t.title) ? ` (${t.title})` : ""}.**`;
  return `${name} ${endSentence(truncateWords(t.statement.replace(/^\([^)]*\)\.?\s*/, ""), 80))}`;
}

/** The main theorem: the first Theorem (else Proposition, else Corollary) with some mathematics in it. */
function mainTheorem(paper: PaperContext): PaperTheorem | undefined {
  for (const kind of [/theorem/i, /proposition/i, /corollary/i]) {
    const t = paper.theorems.find((x) => kind.test(x.kind) && x.statement.includes("$"));
    if (t) return t;
  }
  return undefined;
}

/** The headline figure of the paper's experiments, with its baseline. */
function figureLine(paper: PaperContext): string | undefined {
  const f = paper.figures[0];
  if (!f) return undefined;
  return `Headline number: ${boldQuantities(endSentence(truncateWords(thirdPerson(f.sentence), 50)))}`;
}

/**
 * The punch from the paper, or undefined when the paper gave nothing quotable (then the abstract's punch
 * is used). `headline` is the abstract's own headline-figure line, preferred to one found in the body.
 */
export function paperPunchOf(
  paper: PaperContext | undefined,
  headline: string | undefined,
): PaperPunch | undefined {
  if (!paper || paper.source === "abstract") return undefined;
  const eq = paper.central !== undefined ? paper.equations[paper.central] : undefined;
  const theorem = mainTheorem(paper);
  const eqIsCentral = eq !== undefined && (eq.citedEarly || eq.references > 0 || theorem === undefined);
  const parts: string[] = [];
  let kind: PaperPunch["kind"];
  if (eq && eqIsCentral) {
    parts.push(equationPunch(eq));
    kind = "equation";
  } else if (theorem) {
    parts.push(theoremPunch(theorem));
    kind = "theorem";
  } else return undefined;
  const figure = headline ?? figureLine(paper);
  if (figure) parts.push(figure);
  return { text: parts.join("\n\n"), kind };
}
