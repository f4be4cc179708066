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
 */
import type { Candidate } from "../candidate";
import type { Writeup } from "../issue";
import type { ReaderProfile } from "../profile";
import { texToUnicode } from "../render/text";
import { ARCHIVE_FORMULAS, CANONICAL_FORMULAS, type CanonicalFormula } from "./formulas";
import { domainOf, formatDuration, timeCostOf } from "./meta";
import type { MatchExplanation, WriteInput, Writer } from "./types";

// ---------------------------------------------------------------------------------------------------------
// Abstract → sentences
// ---------------------------------------------------------------------------------------------------------

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
    t
      .replace(/\\([%&#_])/g, "$1")
      .replace(/\\times\b\s*/g, "×")
      .replace(/``|''/g, '"')
      .replace(/---/g, "—")
      .replace(/--/g, "–")
      .replace(/~/g, " "),
  );
  return s.replace(/\s+/g, " ").trim();
}

const MATH_SEGMENT = /\$\$[\s\S]+?\$\$|\$(?:\\.|[^\\$])+?\$/g;

function mapOutsideMath(s: string, f: (t: string) => string): string {
  let out = "";
  let last = 0;
  for (const m of s.matchAll(MATH_SEGMENT)) {
    out += f(s.slice(last, m.index)) + m[0];
    last = (m.index ?? 0) + m[0].length;
  }
  return out + f(s.slice(last));
}

/** The abstract as readable text: math in Unicode (for cue and number detection only). */
function plainOf(s: string): string {
  return s.replace(MATH_SEGMENT, (m) => texToUnicode(m.replace(/^\$+|\$+$/g, "")));
}

const ABBREVIATIONS =
  /\b(e\.g|i\.e|et al|vs|cf|Fig|Figs|Eq|Eqs|Sec|resp|approx|No|Dr|Prof|St|w\.r\.t|a\.k\.a)\./g;
const SECTION_LABEL =
  /^(Background|Objectives?|Purpose|Motivation|Methods?|Methodology|Approach|Results?|Findings|Conclusions?|Significance|Context|Aims?)\s*:\s*/i;

type Role = "problem" | "idea" | "result" | "impact";

interface Sentence {
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
const GENERIC_BACKGROUND =
  /\b(?:fundamental|important|crucial|essential|central|key|powerful|popular) (?:class|role|problem|tool|task|component|paradigm|technique|topic)\b|\bplays? an? (?:\w+ )?role\b|\b(?:increasingly|widely) (?:used|adopted|prevalent|popular|studied|applied)\b|\b(?:has|have) (?:become|attracted|gained|emerged|been widely)\b|\bin recent years\b|\brecent(?:ly)? (?:years|advances|progress)\b|\bgrowing (?:demand|interest|body|popularity)\b|\bubiquitous\b|\bprevalent\b|\b(?:significant|considerable|increasing) attention\b|\b(?:have|has) shown (?:great|remarkable|significant|promising|impressive) (?:potential|success|promise|performance)\b/i;

/** A concrete difficulty, as opposed to background: worth a sentence of the Intuition. */
const SPECIFIC_PROBLEM =
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

function classify(texts: string[]): Sentence[] {
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

// ---------------------------------------------------------------------------------------------------------
// Quantities and formulas
// ---------------------------------------------------------------------------------------------------------

interface Quantity {
  text: string;
  weight: number;
}

const NUM = String.raw`(?<![\w.-])\d+(?:[.,]\d+)?`;
const UNIT = String.raw`(?:dB|ms|µs|ns|GB|MB|TB|[KMGTP]?FLOPs?|tokens?(?: per second|\/s)?|fps|Hz|GHz|MHz|W|kWh|bits?|bps|params|parameters|GPU[- ]hours|hours|days|[kMB]\b)`;

const QUANTITY_PATTERNS: { pattern: RegExp; weight: number }[] = [
  {
    pattern: new RegExp(
      String.raw`(?:up to |over |more than |at least )?\b${NUM}\s?(?:×|x\b|-fold\b|fold\b|times\b)`,
      "gi",
    ),
    weight: 5,
  },
  { pattern: /\b(?:(?:several|many|two|three|four|\d+)[- ])?orders?[- ]of[- ]magnitude\b/gi, weight: 4 },
  { pattern: new RegExp(String.raw`(?:up to |over |more than |at least |by )?${NUM}\s?%`, "g"), weight: 4 },
  { pattern: new RegExp(String.raw`\b${NUM}\s?(?:to|–|-)\s?${NUM}\s?${UNIT}`, "g"), weight: 3 },
  { pattern: new RegExp(String.raw`\b${NUM}\s?${UNIT}`, "g"), weight: 3 },
  {
    pattern:
      /\b(?:accuracy|AUC|F1|BLEU|Sharpe(?: ratio)?s?|R²|RMSE|MSE|MAE|error|perplexity)\b[^.;]{0,25}?\d+(?:\.\d+)?/gi,
    weight: 3,
  },
  { pattern: /\bO\([^)]*\)/g, weight: 3 },
  { pattern: new RegExp(String.raw`\b${NUM}\s?(?:to|–|-)\s?${NUM}\b`, "g"), weight: 2 },
  { pattern: /(?<![\w.-])\d{1,3}(?:,\d{3})+(?![\w.])|(?<![\w.-])\d+(?:\.\d+)?(?![\w.%×-])/g, weight: 1 },
];

function quantitiesIn(plain: string): Quantity[] {
  const found: Quantity[] = [];
  const seen = new Set<string>();
  for (const { pattern, weight } of QUANTITY_PATTERNS) {
    for (const m of plain.matchAll(pattern)) {
      const text = m[0].trim();
      // years and version-like tokens are not results
      if (weight <= 2 && /^(19|20)\d\d$/.test(text)) continue;
      if (seen.has(text)) continue;
      seen.add(text);
      found.push({ text, weight });
    }
  }
  return found;
}

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

// ---------------------------------------------------------------------------------------------------------
// Rewriting
// ---------------------------------------------------------------------------------------------------------

/** First person → third person; "In this paper, we" → "They". */
export function thirdPerson(s: string): string {
  return mapOutsideMath(s, (t) =>
    t
      .replace(
        /^(In this (paper|work|study|article|note)|Here|In this context|To address (this|these|the) (issue|problem|challenge|limitation)s?|To this end),?\s+we\b/i,
        "They",
      )
      .replace(/^We\b/, "They")
      .replace(/^Our\b/, "Their")
      .replace(/^This (paper|work|study|article)\b/, "The $1")
      .replace(/\bwe\b/g, "they")
      .replace(/\bWe\b/g, "They")
      .replace(/\bour\b/g, "their")
      .replace(/\bOur\b/g, "Their")
      .replace(/\bourselves\b/g, "themselves")
      .replace(/\bus\b/g, "them"),
  );
}

/** The method's name, if the title starts with one ("FlashSinkhorn: …", "KACDP: …"). */
function methodName(title: string): string | undefined {
  const m = /^([^:]{2,40}):\s/.exec(title);
  const name = m?.[1]?.trim();
  if (!name || name.split(/\s+/).length > 4) return undefined;
  return name;
}

function boldFirst(text: string, term: string | undefined): string {
  if (!term || term.includes("$") || term.includes("*")) return text;
  const i = text.indexOf(term);
  if (i < 0) return text;
  // not inside math
  const before = text.slice(0, i);
  if ((before.match(/\$/g) ?? []).length % 2 === 1) return text;
  return `${before}**${term}**${text.slice(i + term.length)}`;
}

/** Bolds headline quantities (weight ≥ 3) outside math. */
function boldQuantities(text: string): string {
  return mapOutsideMath(text, (t) => {
    let out = t;
    const cores = quantitiesIn(t)
      .filter((q) => q.weight >= 3 && !q.text.startsWith("O("))
      .map((q) => {
        const core = q.text.replace(/^(up to|over|more than|at least|by)\s+/i, "");
        // "accuracy … 0.92": only the figure is the quantity
        return /^[A-Za-z]/.test(core) && !/orders? of magnitude/i.test(core)
          ? (/\d+(?:\.\d+)?$/.exec(core)?.[0] ?? core)
          : core;
      })
      .sort((a, b) => b.length - a.length);
    const done: string[] = [];
    for (const core of cores) {
      if (done.some((d) => d.includes(core))) continue;
      const i = out.indexOf(core);
      if (i < 0 || out.slice(Math.max(0, i - 2), i) === "**") continue;
      const shown = core.replace(/^(\d+(?:[.,]\d+)?)\s?x$/i, "$1×");
      out = `${out.slice(0, i)}**${shown}**${out.slice(i + core.length)}`;
      done.push(core);
    }
    return out;
  });
}

function ensurePeriod(s: string): string {
  const t = s.trim();
  return /[.!?)"”]$|\$\$$/.test(t) ? t : `${t}.`;
}

/** Leads like "Experiments show that" say nothing; "They report" says who claims it. */
function reportVoice(s: string): string {
  return s
    .replace(
      /^(?:(?:Extensive |Our |Their |The |Empirical |Experimental |Numerical )?(?:experiments?|results?|evaluations?|simulations?|findings?)(?: (?:on|based on|across|over|with) [^,]{0,80}?)? (?:show|demonstrate|indicate|reveal|suggest|confirm)s?|They (?:show|demonstrate|find)|It is shown) that\s+/i,
      "They report that ",
    )
    .replace(
      /^(?:Extensive |Our |Their |The |Empirical |Experimental |Numerical |Further )?(?:experiments?|results?|evaluations?|simulations?)(?: (?:on|based on|across|over|with) [^,]{0,80}?)? (?:show|demonstrate)s?\s+(?=(?:up to|over|more than|at least|an?|\d))/i,
      "They report ",
    );
}

function words(s: string): number {
  return s.split(/\s+/).filter(Boolean).length;
}

function truncateWords(s: string, max: number): string {
  const w = s.split(/\s+/);
  if (w.length <= max) return s;
  let cut = w.slice(0, max).join(" ");
  // never cut inside math
  if ((cut.match(/\$/g) ?? []).length % 2 === 1) cut = cut.slice(0, cut.lastIndexOf("$")).trim();
  return `${cut.replace(/[,;:]$/, "")}…`;
}

/**
 * Shortens a sentence to at most `max` words by ending it at a clause boundary (":", ";", "—" or ","),
 * never inside math or brackets, so that it still reads as a whole sentence; undefined when no boundary
 * leaves at least `min` words.
 */
function clauseCut(s: string, max: number, min = 8): string | undefined {
  if (words(s) <= max) return s;
  const math: string[] = [];
  const masked = s.replace(MATH_SEGMENT, (m) => {
    math.push(m);
    return `\uE000${math.length - 1}\uE000`;
  });
  let pick: string | undefined;
  for (const m of masked.matchAll(/[:;,](?=\s)|\s[—–](?=\s)/g)) {
    const prefix = masked.slice(0, m.index).trim();
    const n = words(prefix);
    if (n > max) break;
    const open = (prefix.match(/[([{]/g) ?? []).length;
    const close = (prefix.match(/[)\]}]/g) ?? []).length;
    if (n >= min && open === close) pick = prefix;
  }
  if (!pick) return undefined;
  const restored = pick
    .replace(/\uE000(\d+)\uE000/g, (_m, i: string) => math[Number(i)] ?? "")
    // a clause that ends on a connective ("…, such as", "… and") is not a clause
    .replace(/\s+(?:and|or|but|such as|including|e\.g\.|i\.e\.|which|where|while|with)$/i, "");
  return ensurePeriod(restored);
}

const ANAPHORA_STOP = new Set(
  "the a an of for in on to and or with by is are was were form forms these those such that this their its our we they from as at".split(
    " ",
  ),
);

/**
 * "These states" out of context means nothing: names them from an earlier sentence ("Bosonic Gaussian
 * thermal states form…" → "bosonic Gaussian thermal states").
 */
function resolveAnaphora(text: string, earlier: Sentence[]): string {
  return mapOutsideMath(text, (t) =>
    t.replace(/\b([Tt]hese|[Ss]uch) ([a-z][a-z-]*s)\b/g, (whole, _det: string, noun: string) => {
      for (const prev of [...earlier].reverse()) {
        const m = new RegExp(String.raw`((?:[A-Za-z][\w-]*\s+){1,4})${noun}\b`).exec(prev.plain);
        if (!m?.[1]) continue;
        const modifiers: string[] = [];
        for (const w of m[1].trim().split(/\s+/).reverse()) {
          if (ANAPHORA_STOP.has(w.toLowerCase())) break;
          modifiers.unshift(w);
        }
        if (modifiers.length === 0) continue;
        const first = modifiers[0] ?? "";
        if (/^[A-Z][a-z]/.test(first) && m.index === 0) modifiers[0] = first.toLowerCase();
        return `${modifiers.join(" ")} ${noun}`;
      }
      return whole;
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Fields
// ---------------------------------------------------------------------------------------------------------

interface Analysis {
  sentences: Sentence[];
  name: string | undefined;
  title: string;
  plainAll: string;
}

function analyze(c: Candidate): Analysis {
  const abstract = cleanAbstract(c.summary);
  const sentences = classify(splitSentences(abstract)).filter((s) => words(s.plain) >= 4);
  return {
    sentences,
    name: methodName(c.title),
    title: c.title,
    plainAll: `${c.title}\n${plainOf(abstract)}`,
  };
}

function best(
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

const DISCOURSE_MARKER =
  /^(?:However|Moreover|Furthermore|Further|Additionally|In addition|Besides|Meanwhile|Consequently|Overall|In conclusion|In summary|Finally|Specifically|Also|Thus|Hence|Therefore|In fact|Importantly|Notably|First|Second|Third|Lastly|To this end|In this context|For instance|For example|In particular|As a result|Then|Nevertheless|Nonetheless|Accordingly|Crucially),?\s+/i;

/** A sentence from the abstract, ready to quote: third person, no dangling connective. */
function tidy(s: string): string {
  const t = thirdPerson(s).replace(DISCOURSE_MARKER, "");
  return ensurePeriod(upperFirst(t));
}

/** A sentence that leans on the previous one ("Its application…", "This approach…"). */
function leansBack(s: Sentence): boolean {
  return /^(?:(?:However|Moreover|Yet|But),?\s+)?(?:it|its|this|these|those|such|they|their|the latter|the former)\b/i.test(
    s.plain,
  );
}

interface Plan {
  intuition: Sentence[];
  formula: Formula | undefined;
  headline: { s: Sentence; quantity: Quantity } | undefined;
}

/** Word budget of the Intuition: two sentences, as in the examples. */
const INTUITION_WORDS = 70;

/** Beyond this, an Intuition sentence is ended at a clause boundary when it has one. */
const LONG_SENTENCE = 45;

/** Decides which sentences go where, so that no sentence is quoted twice. */
function plan(a: Analysis): Plan {
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

function intuitionOf(c: Candidate, a: Analysis, p: Plan): string {
  const lead = c.signals.aiSummary ?? c.signals.tldr;
  const parts: string[] = [];
  if (lead) parts.push(ensurePeriod(cleanAbstract(lead)));
  let used = parts.reduce((n, t) => n + words(t), 0);
  for (const s of p.intuition) {
    if (lead && parts.length >= 2) break;
    const earlier = a.sentences.filter((x) => x.index < s.index && !p.intuition.includes(x));
    const text = resolveAnaphora(tidy(s.text), earlier);
    const room = INTUITION_WORDS - used;
    // whole sentences only: a long one is ended at a clause boundary, never cut mid-clause
    let fitted: string | undefined =
      words(text) > LONG_SENTENCE ? (clauseCut(text, LONG_SENTENCE, 12) ?? text) : text;
    if (words(fitted) > room + 10)
      fitted = clauseCut(fitted, Math.max(room, 12), 12) ?? (parts.length === 0 ? fitted : undefined);
    if (!fitted) continue;
    parts.push(fitted);
    used += words(fitted);
  }
  if (parts.length === 0) parts.push(ensurePeriod(c.title));
  return boldFirst(parts.join(" "), a.name);
}

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

interface Punch {
  text: string;
  used: Set<number>;
  /** The claim sentence quoted under a background equation, which Significance may need more. */
  claim?: number;
}

function punchOf(c: Candidate, a: Analysis, p: Plan, tags: string[], withClaim = true): Punch {
  const parts: string[] = [];
  const used = new Set<number>();
  if (p.headline) used.add(p.headline.s.index);
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

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Lower-cases the first word unless it is a name or acronym. */
function lowerFirstWord(s: string): string {
  const m = /^([A-Z][a-z]+)\b/.exec(s);
  return m?.[1] && !/^(They|Their)$/.test(m[1]) ? `${m[1].toLowerCase()}${s.slice(m[1].length)}` : s;
}

function signalBits(c: Candidate): string[] {
  const sig = c.signals;
  const bits: string[] = [];
  if (sig.hfUpvotes) bits.push(`${sig.hfUpvotes} upvotes on Hugging Face daily papers`);
  if (sig.citations)
    bits.push(
      `${sig.citations} citations${sig.influentialCitations ? ` (${sig.influentialCitations} influential)` : ""}`,
    );
  if (sig.maxAuthorHIndex && sig.maxAuthorHIndex >= 20)
    bits.push(`senior author h-index ${sig.maxAuthorHIndex}`);
  if (sig.hnPoints && sig.hnPoints >= 20) bits.push(`${sig.hnPoints} points on Hacker News`);
  if (sig.journalRef) bits.push(`published: ${sig.journalRef}`);
  return bits;
}

function codeLinkOf(text: string): string | undefined {
  return /https?:\/\/(?:github\.com|gitlab\.com|huggingface\.co)\/[^\s)\]}>,]+/
    .exec(text)?.[0]
    ?.replace(/[.]$/, "");
}

type Contribution = "speed" | "theory" | "benchmark" | "accuracy" | "interpretability" | "empirical";

function contributionOf(a: Analysis): Contribution {
  const t = a.plainAll;
  if (
    /\b(speed-?ups?|faster|latency|throughput|memory|energy|run ?time)\b/i.test(t) &&
    /\d|orders? of magnitude/.test(t)
  )
    return "speed";
  if (
    /\b(prove|theorem|closed[- ]form|(upper|lower|error|regret|generalization|performance) bound|bounded|convergence|derive)\b/i.test(
      t,
    )
  )
    return "theory";
  if (
    /\b(we|they) (propose|introduce|present|construct|build|release)[^.]{0,80}\b(benchmark|dataset|suite)\b/i.test(
      t,
    ) ||
    /Bench\b/.test(a.title)
  ) {
    return "benchmark";
  }
  if (/\b(interpretab|explainab|SHAP|transparen)/i.test(t)) return "interpretability";
  if (/\b(outperform|state[- ]of[- ]the[- ]art|SOTA|improv|accura)/i.test(t)) return "accuracy";
  return "empirical";
}

const TOPIC_PHRASE: { pattern: RegExp; phrase: string }[] = [
  { pattern: /\bsinkhorn|optimal transport|wasserstein/i, phrase: "optimal transport" },
  { pattern: /\border[- ]book|microstructure|order[- ]flow|market[- ]mak/i, phrase: "order-book modeling" },
  { pattern: /\bflow matching|diffusion model|generative model/i, phrase: "generative modeling" },
  { pattern: /\bstochastic control|\bHJB\b|optimal control/i, phrase: "stochastic control" },
  {
    pattern: /\bsign momentum|\boptimi[sz]ers?\b|\bdistributed training|\bfederated/i,
    phrase: "distributed optimization",
  },
  { pattern: /\battention\b|\btransformers?\b/i, phrase: "attention" },
  {
    pattern: /\breinforcement learning|\bpolicy (gradient|optimi)|\bRL\b/i,
    phrase: "reinforcement learning",
  },
  { pattern: /\bcluster(ing|s)?\b/i, phrase: "clustering" },
  { pattern: /\btime[- ]series|\bforecast/i, phrase: "time-series modeling" },
  { pattern: /\boption pricing|\bvolatility\b|\bderivatives? pricing/i, phrase: "derivatives pricing" },
  { pattern: /\bcredit (risk|default)/i, phrase: "credit risk" },
  { pattern: /\btrading\b|\bportfolio/i, phrase: "trading" },
  { pattern: /\bLLMs?\b|language models?/i, phrase: "LLMs" },
  { pattern: /\bcontrastive|\bself-supervised|\bCLIP\b/i, phrase: "contrastive training" },
  { pattern: /\bbank(s|ing)?\b|interest rates?/i, phrase: "banking and rates" },
];

/** One sentence on what kind of result this is and what that buys the reader. */
function stakes(contribution: Contribution, topic: string | undefined): string {
  switch (contribution) {
    case "speed":
      return topic
        ? `Cost is the story: at this price, ${topic} can move from an offline experiment into the loop.`
        : "Cost is the story: at this price, the method can move from an offline experiment into the loop.";
    case "theory":
      return `A statement you can lean on: ${topic ? `for ${topic}, ` : ""}it replaces "works in practice" with a derivation, a rate or a bound.`;
    case "benchmark":
      return `A new yardstick${topic ? ` for ${topic}` : ""}: results on it will be quoted, so it is worth knowing what it measures and what it leaves out.`;
    case "interpretability":
      return `It connects what the model learns${topic ? ` in ${topic}` : ""} to mechanisms you can check, which is what makes a result portable.`;
    case "accuracy":
      return `If the gain holds outside the authors' own benchmarks, it is a new baseline${topic ? ` for ${topic}` : ""}.`;
    case "empirical":
      return `Evidence, not a method: read it for what it says${topic ? ` about ${topic}` : ""} and how the measurement was set up.`;
  }
}

/** Sentences that only say where the code is: the link is given separately. */
const CODE_AVAILABILITY =
  /github|gitlab|available at|code (is|will be)|publicly available|open[- ]sourced? at|will be released/i;

function topicPhrase(a: Analysis): string | undefined {
  let bestPhrase: string | undefined;
  let bestScore = 0;
  for (const t of TOPIC_PHRASE) {
    const hits =
      (a.plainAll.match(new RegExp(t.pattern.source, "gi")) ?? []).length + (t.pattern.test(a.title) ? 3 : 0);
    if (hits > bestScore) {
      bestScore = hits;
      bestPhrase = t.phrase;
    }
  }
  return bestPhrase;
}

/** What a result makes possible ("enables", "allows", "could have applications in"). */
const IMPLICATION =
  /\b(?:enabl\w*|allow\w*|opens? (?:up|the door|a path|new)|pav\w* the way|(?:will|would|can|may|could) help|contribut\w* to|applications? (?:in|to|for)|could (?:have|be|enable|help|serve|benefit|inform)|implications?|makes? it possible|can be (?:used|applied|deployed|extended)|useful (?:for|in)|practical|suggests? that|offer\w* (?:a|an|new|promising)|provid\w* (?:a |an )?(?:practical|new|principled|effective|simple|scalable|unified|efficient)|without (?:sacrificing|affecting|retraining|requiring|invoking|any|loss|compromising)|can (?:extend|scale|handle|run|reach|match|serve))\b/i;
/** A claim the paper makes about its own outcome. */
const RESULT_VERB =
  /\b(?:show(?:s|ed)?|finds? that|found that|(?:we|they) find|enhanc\w*|prove[sd]?|establish(?:es)?|reveal\w*|demonstrat\w*|outperform\w*|achiev\w*|improv\w*|reduc\w*|yield\w*|obtain\w*|surpass\w*|exceed\w*|recover\w*|turns? out|successfully|results? in|(?:is|are) observed that|perform\w* (?:competitively|comparably|on par|better|favorably)|(?:is|are) associated with)\b/i;
const BASELINE =
  /\b(?:compared (?:to|with)|relative to|versus|vs\.?|over|than|baselines?|state[- ]of[- ]the[- ]art|SOTA)\b/i;
/** Sentences that describe the gap, not the result. */
const PROBLEM_TALK =
  /^(?:however|despite|though|although|yet)\b|\bfall(?:s)? short\b|\bstruggl\w*|\bremains? (?:unclear|challenging|an open|difficult|elusive|limited)/i;
/** Weaker signs of the gap: they count only when the sentence claims nothing. */
const GAP_TALK =
  /\b(?:however|remains? (?:unclear|open|unknown|unsolved|largely)|lack\w*|(?:previous|existing|prior) (?:methods|work|approaches|studies))\b/i;

/** How well a sentence says what changes if the result holds; below 2.5, not worth quoting. */
function significanceScore(s: Sentence, total: number): number {
  if (CODE_AVAILABILITY.test(s.plain) || words(s.plain) < 6) return Number.NEGATIVE_INFINITY;
  const headline = quantitiesIn(s.plain).some((q) => q.weight >= 3);
  const implication = IMPLICATION.test(s.plain);
  const claim = RESULT_VERB.test(s.plain);
  let score = 0;
  if (implication) score += 3;
  if (headline) score += 3;
  if (claim) score += 2;
  if ((headline || claim) && BASELINE.test(s.plain)) score += 1;
  score += total <= 1 ? 0 : s.index / (total - 1);
  if (PROBLEM_TALK.test(s.plain) && !headline && !implication) score -= 3;
  else if (GAP_TALK.test(s.plain) && !claim && !implication) score -= 3;
  // the opening sentence sets the scene; background any reader has is not an outcome
  if (s.index === 0 && !implication) score -= 2.5;
  if (GENERIC_BACKGROUND.test(s.plain)) score -= 3;
  // "The former could…", "This is to be contrasted…": meaningless without the sentence before
  if (/^(?:the former|the latter|this is|these are|such)\b/i.test(s.plain)) score -= 3;
  else if (
    leansBack(s) &&
    !/^(?:it|this|these) (?:\w+ )?(?:enabl|allow|open|make|provid|offer)/i.test(s.plain)
  )
    score -= 1;
  // a method description is Intuition material
  if (/^[\w$-]+ (?:is|are) (?:an?|the) /i.test(s.plain) && !headline && !implication) score -= 2;
  if (/^(?:we|they) (?:propose|introduce|present|develop|design)\b/i.test(s.plain) && !headline) score -= 2;
  return score;
}

/** Lower-cases a leading function word ("The", "They", "Further") after a colon; names stay as they are. */
function lowerLeadingWord(s: string): string {
  const m = /^([A-Z][a-z]+)\b/.exec(s);
  if (!m?.[1]) return s;
  return /^(The|This|These|They|Their|It|Its|A|An|In|On|By|With|Using|For|Compared|Across|Under|When|Further|Experiments|Results|Our|Both|All|Such|Unlike|Although|While)$/.test(
    m[1],
  )
    ? `${m[1].toLowerCase()}${s.slice(m[1].length)}`
    : s;
}

/** The reader's interest the scorer named, when the paper's own text is about it. */
function interestLead(explanation: MatchExplanation, a: Analysis): string | undefined {
  const named = explanation.interests.filter((i) => i.trim().length > 0);
  const hit = interestHits({ interests: named }, a.plainAll)[0];
  return hit ? shortInterest(hit) : undefined;
}

function significanceOf(
  c: Candidate,
  a: Analysis,
  p: Plan,
  punch: Punch,
  explanation: MatchExplanation,
  withStock = true,
): string | undefined {
  const used = new Set<number>([...p.intuition.map((s) => s.index), ...punch.used]);
  const total = a.sentences.length;
  const ranked = a.sentences
    .filter((s) => !used.has(s.index))
    .map((s) => ({ s, score: significanceScore(s, total) }))
    .filter((x) => x.score >= 2.5)
    .sort((x, y) => y.score - x.score || x.s.index - y.s.index);
  const chosen: Sentence[] = [];
  const first = ranked[0]?.s;
  if (first) {
    chosen.push(first);
    // a second sentence of the other kind: the figure next to the implication, or the reverse
    const firstIsImplication = IMPLICATION.test(first.plain);
    const second = ranked.find(
      (x) =>
        x.s !== first &&
        IMPLICATION.test(x.s.plain) !== firstIsImplication &&
        words(first.plain) + words(x.s.plain) <= 70,
    )?.s;
    if (second) chosen.push(second);
  } else {
    // nothing that reads as an outcome: the best remaining result-role sentence, if any
    const fallback = best(
      a.sentences,
      "result",
      used,
      (s) =>
        s.scores.result >= 1.5 &&
        s.index > 0 &&
        !CODE_AVAILABILITY.test(s.plain) &&
        !PROBLEM_TALK.test(s.plain) &&
        !leansBack(s),
    );
    if (fallback) chosen.push(fallback);
  }
  chosen.sort((x, y) => x.index - y.index);
  const quoted = chosen.map((s) => {
    const text = boldQuantities(reportVoice(tidy(s.text)));
    return clauseCut(text, 55) ?? truncateWords(text, 60);
  });
  const parts: string[] = [];
  if (quoted.length === 0) {
    if (!withStock) return undefined;
    parts.push(stakes(contributionOf(a), topicPhrase(a)));
  } else {
    const interest = interestLead(explanation, a);
    const [head, ...rest] = quoted;
    parts.push(
      interest && head ? `For your work on ${interest}: ${lowerLeadingWord(head)}` : (head ?? ""),
      ...rest,
    );
  }
  // code and outside signals share one closing sentence, so the field stays at three sentences
  const extras: string[] = [];
  const code = codeLinkOf(c.summary);
  if (code && !punch.text.includes(code)) extras.push(`open-source implementation: ${code}`);
  const signals = signalBits(c);
  if (signals.length > 0) extras.push(`signals: ${signals.join(", ")}`);
  if (extras.length > 0) parts.push(`${upperFirst(extras.join("; "))}.`);
  return parts.join(" ");
}

/** An interest statement's head ("Optimal transport: entropic…" → "optimal transport"), as prose. */
function shortInterest(interest: string): string {
  const t = (interest.split(":")[0] ?? interest).trim().replace(/[.]$/, "");
  const head = t.length <= 48 ? t : `${t.slice(0, t.lastIndexOf(" ", 45))}…`;
  // Lowercase the first letter unless the first word is an acronym ("OT", "HJB").
  return /^[A-Z][a-z]/.test(head) ? `${head[0]?.toLowerCase()}${head.slice(1)}` : head;
}

function styleOf(a: Analysis): string {
  const p = a.plainAll;
  if (
    /\b(prove|proof|theorem|closed[- ]form|derive|derivation|convergence|(upper|lower|error|regret|generalization|performance) bound)\b/i.test(
      p,
    )
  ) {
    return "First-principles: a derivation, not only a benchmark";
  }
  if (/\b(GPUs?|HBM|SRAM|memory|IO|I\/O|throughput|latency|kernels?|cache|caches)\b/.test(p)) {
    return "Mechanism-first (where the time and memory go) rather than benchmark-only";
  }
  if (/\b(interpretab|explainab|SHAP)/i.test(p))
    return "It ties what the model learns back to mechanisms you can check";
  if (/\b(dataset|benchmark|experiments?|empirical)\b/i.test(p))
    return "Empirical, with a concrete evaluation to check";
  return "A clear, checkable claim";
}

function joinList(xs: string[]): string {
  if (xs.length <= 1) return xs.join("");
  return `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;
}

const GENERIC_WORDS = new Set([
  "limit",
  "order",
  "model",
  "models",
  "learning",
  "based",
  "using",
  "method",
  "methods",
  "theory",
  "systems",
  "system",
  "books",
  "data",
]);
/** Words too common in abstracts to count as a full match on their own. */
const WEAK_WORDS = new Set([
  "optimal",
  "stochastic",
  "generative",
  "market",
  "markets",
  "neural",
  "large",
  "deep",
  "control",
  "matching",
]);

/** Profile interests the text names: enough of each interest's specific words, matched as whole words. */
function interestHits(profile: Pick<ReaderProfile, "interests">, text: string): string[] {
  const lower = text.toLowerCase();
  return profile.interests.filter((interest) => {
    const content = interest
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 4 && !GENERIC_WORDS.has(w));
    if (content.length === 0) return false;
    const weight = (w: string) => (WEAK_WORDS.has(w) ? 0.5 : 1);
    const total = content.reduce((n, w) => n + weight(w), 0);
    const hit = content
      .filter((w) => new RegExp(`\\b${w}s?\\b`).test(lower))
      .reduce((n, w) => n + weight(w), 0);
    return hit >= 1 && hit / total >= 0.5;
  });
}

function whyItMatchesOf(a: Analysis, explanation: MatchExplanation, profile: ReaderProfile): string {
  const parts: string[] = [];
  const interests = explanation.interests.slice(0, 3).map(shortInterest);
  const style = styleOf(a);
  if (interests.length > 0)
    parts.push(`${style}, and directly tied to your interest in ${joinList(interests)}.`);
  else {
    // no explanation from the scorer: name the profile interests the abstract mentions
    const hits = interestHits(profile, a.plainAll);
    parts.push(
      hits.length > 0
        ? `${style}; it touches your interest in ${joinList(hits.slice(0, 2).map(shortInterest))}.`
        : `${style}.`,
    );
  }
  if (explanation.lenses.length > 0) {
    const lenses = explanation.lenses.slice(0, 3);
    parts.push(`It exercises the ${joinList(lenses)} lens${lenses.length > 1 ? "es" : ""} you read with.`);
  }
  if (explanation.liked.length > 0) {
    parts.push(`Close to what you liked: ${joinList(explanation.liked.slice(0, 2).map((t) => `“${t}”`))}.`);
  }
  if (explanation.signals.length > 0) parts.push(`Signals: ${explanation.signals.slice(0, 3).join("; ")}.`);
  if (parts.length === 1 && explanation.text.trim()) {
    // The scorer's sentence restates the interest already named; keep only the terms it shares.
    const shared = interests.length > 0 ? /\(([^)]+)\)/.exec(explanation.text)?.[1] : undefined;
    if (interests.length === 0) parts.push(ensurePeriod(upperFirst(explanation.text.trim())));
    else if (shared) parts.push(`Common ground: ${shared}.`);
  }
  return parts.join(" ");
}

// ---------------------------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------------------------

/** The first fenced code block of a README that looks like usage (under a Usage/Example heading if any). */
export function usageExampleOf(readme: string | undefined): { lang: string; code: string } | undefined {
  if (!readme) return undefined;
  const blocks = [...readme.matchAll(/^(```|~~~)([\w+-]*)[^\n]*\n([\s\S]*?)^\1\s*$/gm)].map((m) => ({
    index: m.index ?? 0,
    lang: m[2] ?? "",
    code: (m[3] ?? "").replace(/\s+$/, ""),
  }));
  if (blocks.length === 0) return undefined;
  const usageHeading =
    /^#{1,4}\s*(usage|quick ?start|example|getting started|basic usage|minimal example)/im.exec(readme);
  const afterHeading = usageHeading ? blocks.filter((b) => b.index > (usageHeading.index ?? 0)) : [];
  const isInstall = (b: { code: string }) =>
    /^\s*(pip|npm|yarn|pnpm|cargo|go|brew|apt(-get)?|conda|git) (install|add|clone|get)\b/m.test(b.code) &&
    b.code.split("\n").length <= 3;
  const pick = afterHeading.find((b) => !isInstall(b)) ?? blocks.find((b) => !isInstall(b)) ?? blocks[0];
  if (!pick) return undefined;
  const lines = pick.code.split("\n");
  return { lang: pick.lang, code: lines.length > 25 ? `${lines.slice(0, 24).join("\n")}\n# …` : pick.code };
}

function readmeIntro(readme: string | undefined): string | undefined {
  if (!readme) return undefined;
  const paragraphs = readme
    .replace(/^(```|~~~)[\s\S]*?^\1\s*$/gm, "")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 40 && !/^(#|!\[|\[!\[|<|\||>)/.test(p));
  return paragraphs[0]?.replace(/\s+/g, " ");
}

function writeTool(input: WriteInput): Writeup {
  const c = input.candidate;
  const description = c.summary.trim() || readmeIntro(c.signals.readme) || c.title;
  const intro = readmeIntro(c.signals.readme);
  const intuitionParts = [ensurePeriod(description)];
  if (intro && intro !== description && !intro.includes(description.slice(0, 40)))
    intuitionParts.push(truncateWords(ensurePeriod(intro), 60));
  const usage = usageExampleOf(c.signals.readme);
  const meta: string[] = [];
  if (c.signals.language) meta.push(c.signals.language);
  if (c.signals.stars !== undefined) meta.push(`${c.signals.stars} stars`);
  if (c.signals.forks) meta.push(`${c.signals.forks} forks`);
  const metaText = meta.length > 0 ? ` (${meta.join(", ")})` : "";
  const punch = usage
    ? `What it is for, in code — a minimal usage from the README${metaText}:\n\n\`\`\`${usage.lang}\n${usage.code}\n\`\`\``
    : `What it is for: ${lowerFirstWord(ensurePeriod(description))}${metaText ? ` Repository${metaText}.` : ""}`;
  const a = analyze({ ...c, summary: `${description} ${intro ?? ""}` });
  const pushed = c.signals.pushedAt ? ` Last push ${c.signals.pushedAt.slice(0, 10)}.` : "";
  return {
    domain: domainOf(c, input.tags),
    timeCost: timeCostOf(c),
    intuition: intuitionParts.join(" "),
    punch,
    significance: `Tooling, not a result: it is worth your time if it removes a step you now do by hand.${pushed}${c.signals.topics?.length ? ` Topics: ${c.signals.topics.slice(0, 5).join(", ")}.` : ""}`,
    whyItMatches: whyItMatchesOf(a, input.explanation, input.profile),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The writer
// ---------------------------------------------------------------------------------------------------------

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
