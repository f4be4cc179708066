/**
 * An abstract as sentences with roles: the RSS preamble and text-mode LaTeX cleaned away, sentences split
 * without breaking inside math or abbreviations, each scored as problem, idea, result or impact.
 */

import { MATH_SEGMENT, mapOutsideMath } from "../tex/math-segments";
import { texToUnicode } from "../tex/tex-unicode";
import { foldTextAccents } from "../tex/text-accents";
import { quantitiesIn } from "./quantities";

/** Strips the arXiv RSS preamble and turns text-mode LaTeX (\href, \%, \emph) into Markdown. */
export function cleanAbstract(raw: string): string {
  let s = raw.replace(/^\s*arXiv:\S+\s+Announce Type:\s*\S+\s*/i, "").replace(/^\s*Abstract:\s*/i, "");
  s = s.replace(/\\href\{([^}]*)\}\{([^}]*)\}/g, (_m, url: string, text: string) =>
    /^(here|this url|link)$/i.test(text.trim()) ? url : `${text} (${url})`,
  );
  s = s.replace(/\\url\{([^}]*)\}/g, "$1");
  // \(…\) and \[…\] delimiters → $…$ and $$…$$, so one formula detector sees them all
  s = s.replace(/\\\(([\s\S]+?)\\\)/g, (_m, tex: string) => `$${tex}$`);
  s = s.replace(/\\\[([\s\S]+?)\\\]/g, (_m, tex: string) => `$$${tex}$$`);
  // "$20\%$", "$1\times1$": numbers typeset as math read better (and bold) as text
  s = s.replace(/\$(\d+(?:\.\d+)?)\s*\\?%\$/g, "$1%").replace(/\$(\d+)\s*\\times\s*(\d+)\$/g, "$1×$2");
  s = s.replace(/\\(?:emph|textit)\{([^}]*)\}/g, "*$1*").replace(/\\textbf\{([^}]*)\}/g, "**$1**");
  s = s.replace(/\\texttt\{([^}]*)\}/g, "`$1`");
  // text-mode escapes outside math only
  s = mapOutsideMath(s, (t) =>
    foldTextAccents(t)
      .replace(/\\([%&#_])/g, "$1")
      .replace(/\\times\b\s*/g, "×")
      .replace(/``|''/g, '"')
      .replace(/---/g, "—")
      .replace(/--/g, "–")
      .replace(/~/g, " "),
  );
  return s.replace(/\s+/g, " ").trim();
}

/** The abstract as readable text: math in Unicode (for cue and number detection only). */
export function plainOf(s: string): string {
  return s.replace(MATH_SEGMENT, (m) => texToUnicode(m.replace(/^\$+|\$+$/g, "")));
}

const ABBREVIATIONS =
  /\b(e\.g|i\.e|et al|vs|cf|Fig|Figs|Eq|Eqs|Sec|resp|approx|No|Dr|Prof|St|w\.r\.t|a\.k\.a)\./g;
const SECTION_LABEL =
  /^(Background|Objectives?|Purpose|Motivation|Methods?|Methodology|Approach|Results?|Findings|Conclusions?|Significance|Context|Aims?)\s*:\s*/i;

export type Role = "problem" | "idea" | "result" | "impact";

export interface Sentence {
  index: number;
  /** Markdown (math kept as `$…$`). */
  text: string;
  /** Unicode rendering of the math, for matching. */
  plain: string;
  label?: Role;
  scores: Record<Role, number>;
}

/** Splits text into sentences without breaking inside math, abbreviations or decimals. */
export function splitSentences(text: string): string[] {
  const math: string[] = [];
  let s = text.replace(MATH_SEGMENT, (m) => {
    math.push(m);
    return `\uE000${math.length - 1}\uE000`;
  });
  s = s.replace(ABBREVIATIONS, (m) => m.replace(/\./g, "\uE001"));
  const parts = s.split(/(?<=[.!?]["”)]?)\s+(?=["“([\uE000]?[A-Z0-9\uE000])/);
  return parts
    .map((p) =>
      p
        .replace(/\uE001/g, ".")
        .replace(/\uE000(\d+)\uE000/g, (_m, i: string) => math[Number(i)] ?? "")
        .trim(),
    )
    .filter((p) => p.length > 0);
}

const CUES: Record<Role, RegExp[]> = {
  problem: [
    /\bhowever\b/i,
    /\bchalleng/i,
    /\bremains?\b/i,
    /\blimit(ed|ation)/i,
    /\bsuffer/i,
    /\bstruggl/i,
    /\bbottleneck/i,
    /\b(costly|expensive|prohibitive|intractable)\b/i,
    /\bdifficult/i,
    /\black of\b|\blacks?\b/i,
    /\bfail/i,
    /\bexisting (methods|approaches|work)/i,
    /\bdespite\b/i,
    /\bopen (problem|question)/i,
    /\bill-posed\b/i,
    /\b(critical|crucial|important|fundamental)\b/i,
    /\bunderexplored|unexplored|poorly understood/i,
  ],
  idea: [
    /\bwe (propose|introduce|present|develop|derive|formulate|show|prove|design|frame|cast|reformulate|observe|study|investigate|tackle|establish|build|construct|use|leverage|adopt|identify|provide|demonstrate)\b/i,
    /\b(this|our) (paper|work|study|article|approach|method)\b/i,
    /\b(our|the) proposed (method|approach|framework|algorithm|model|scheme)\b/i,
    /\bkey (idea|insight|observation)\b/i,
    /\bnovel\b/i,
    /\bbased on\b/i,
    /\bleverag/i,
    /\breformulat|rewrit|recast/i,
    /\bcalled\b|\bnamed\b|\bcoined\b|\bdubbed\b/i,
    /\bclosed[- ]form\b/i,
    /\bwe\b/i,
  ],
  result: [
    /\d/,
    /%|×|\bx faster\b/i,
    /\boutperform/i,
    /\bachiev/i,
    /\bimprov/i,
    /\bstate[- ]of[- ]the[- ]art\b|\bSOTA\b/i,
    /\bspeed-?ups?\b|\bfaster\b/i,
    /\bexperiment/i,
    /\b(results?|findings?) (show|indicate|demonstrate|suggest|reveal)/i,
    /\breduc/i,
    /\bup to\b/i,
    /\bcompetitiv/i,
    /\bempirical/i,
  ],
  impact: [
    /\benabl/i,
    /\bimplication/i,
    /\bpave/i,
    /\bpractical/i,
    /\bprovid(es|ing) (valuable |new |a )?(insight|foundation|framework|tool)/i,
    /\binsight/i,
    /\bcan be (used|applied)/i,
    /\bopens?\b/i,
    /\bapplications? (?:in|to|for)\b/i,
    /\b(?:allows?|allowing)\b/i,
    /\bcould (?:have|be|enable|help|serve|benefit|inform)\b/i,
    /\buseful\b/i,
    /\bscal(able|es)\b/i,
    /\bsuggest/i,
    /\b(code|implementation)\b.*\b(available|open[- ]sourced?|released)\b/i,
    /\bgeneral\b|\bbroad/i,
  ],
};

/** Background any reader of the field already has: it opens many abstracts and says nothing about the paper. */
export const GENERIC_BACKGROUND =
  /\b(?:fundamental|important|crucial|essential|central|key|powerful|popular) (?:class|role|problem|tool|task|component|paradigm|technique|topic)\b|\bplays? an? (?:\w+ )?role\b|\b(?:increasingly|widely) (?:used|adopted|prevalent|popular|studied|applied)\b|\b(?:has|have) (?:become|attracted|gained|emerged|been widely)\b|\bin recent years\b|\brecent(?:ly)? (?:years|advances|progress)\b|\bgrowing (?:demand|interest|body|popularity)\b|\bubiquitous\b|\bprevalent\b|\b(?:significant|considerable|increasing) attention\b|\b(?:have|has) shown (?:great|remarkable|significant|promising|impressive) (?:potential|success|promise|performance)\b/i;

/** A concrete difficulty, as opposed to background: worth a sentence of the Intuition. */
export const SPECIFIC_PROBLEM =
  /\bhowever\b|\bchalleng|\bremains? (?:an? )?(?:open|unclear|unexplored|underexplored|difficult|largely|elusive|poorly)|\blimit(?:ed|ation)|\bsuffer|\bstruggl|\bbottleneck|\b(?:costly|expensive|prohibitive|intractable|ill-posed)\b|\bfail|\black of\b|\bunderexplored|\bunexplored|\bpoorly understood|\bopen (?:problem|question)/i;

const LABEL_ROLE: Record<string, Role> = {
  background: "problem",
  context: "problem",
  motivation: "problem",
  objective: "idea",
  objectives: "idea",
  purpose: "idea",
  aim: "idea",
  aims: "idea",
  method: "idea",
  methods: "idea",
  methodology: "idea",
  approach: "idea",
  result: "result",
  results: "result",
  findings: "result",
  conclusion: "impact",
  conclusions: "impact",
  significance: "impact",
};

export function classify(texts: string[]): Sentence[] {
  const n = texts.length;
  return texts.map((raw, index) => {
    const labelMatch = SECTION_LABEL.exec(raw);
    const text = labelMatch ? raw.slice(labelMatch[0].length) : raw;
    const plain = plainOf(text);
    const position = n <= 1 ? 0 : index / (n - 1);
    const scores = { problem: 0, idea: 0, result: 0, impact: 0 } as Record<Role, number>;
    for (const role of Object.keys(CUES) as Role[]) {
      for (const cue of CUES[role]) if (cue.test(plain)) scores[role] += 1;
    }
    scores.problem += (1 - position) * 1.5;
    scores.idea += index > 0 && position < 0.7 ? 0.5 : 0;
    scores.result += position * 1.2 + Math.min(2, quantitiesIn(plain).reduce((a, q) => a + q.weight, 0) / 2);
    scores.impact += position >= 0.6 ? 1 : 0;
    if (/^(we|in this (paper|work)|here,? we|this (paper|work|study))\b/i.test(plain)) scores.idea += 1.5;
    // "We also…", "Finally, we…": a secondary contribution, not the idea
    if (
      /\b(?:we|they) (?:additionally|also|further)\b|^(?:Finally|Additionally|Moreover|Furthermore|Lastly)\b/i.test(
        plain,
      )
    )
      scores.idea -= 1;
    // "Results show…" reports an outcome, it does not state the idea
    if (/^(?:the )?(?:results?|experiments?|simulations?) (?:show|demonstrate|indicate)/i.test(plain))
      scores.idea -= 2;
    // "X form a fundamental class of…": background a reader already has
    if (GENERIC_BACKGROUND.test(plain)) {
      scores.idea -= 1.5;
      scores.problem -= 1;
    }
    const label = labelMatch?.[1] ? LABEL_ROLE[labelMatch[1].toLowerCase()] : undefined;
    if (label) scores[label] += 4;
    return { index, text, plain, scores, ...(label ? { label } : {}) };
  });
}
