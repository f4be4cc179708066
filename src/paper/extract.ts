/**
 * What a reader needs from a paper's LaTeX: displayed equations with their labels and the sentences around
 * them, theorem and proposition statements, the introduction's contribution list, and headline numbers
 * with their baselines from the experiments.
 */

import { foldTextAccents } from "../tex/text-accents";
import { splitSentences } from "../writeup/abstract";
import { quantitiesIn } from "../writeup/quantities";
import { expandMacros, type LatexDocument, type Macros } from "./latex";
import { proseToMarkdown } from "./prose";
import type { PaperEquation, PaperFigure, PaperTheorem } from "./types";

export interface Extracted {
  abstract: string | undefined;
  equations: PaperEquation[];
  central: number | undefined;
  theorems: PaperTheorem[];
  contributions: string[];
  figures: PaperFigure[];
}

interface Section {
  start: number;
  title: string;
}

const LIMITS = { equations: 40, theorems: 12, contributions: 8, figures: 8, statement: 700, sentence: 400 };

function sectionsOf(body: string, macros: Macros): Section[] {
  const out: Section[] = [{ start: 0, title: "" }];
  let appendix = false;
  const re = /\\appendix\b|\\(?:section|chapter)\*?\s*(?:\[[^\]]*\])?\s*\{((?:[^{}]|\{[^{}]*\})*)\}/g;
  for (const m of body.matchAll(re)) {
    if (m[0].startsWith("\\appendix")) {
      appendix = true;
      continue;
    }
    const title = proseToMarkdown(m[1] ?? "", macros).replace(/[*$`]/g, "");
    out.push({ start: m.index ?? 0, title: appendix ? `Appendix: ${title}` : title });
  }
  return out;
}

function sectionAt(sections: Section[], pos: number): string {
  let title = "";
  for (const s of sections) if (s.start <= pos) title = s.title;
  return title;
}

const INTRO = /^intro|^overview|^motivation/i;
const BACKGROUND =
  /prelim|background|related|notation|setup|problem (?:setting|statement|formulation)|^appendix/i;
const METHOD =
  /method|approach|model|framework|algorithm|main result|our |propos|analysis|theory|formulation|estimat|derivation|scheme|solution/i;
const EXPERIMENTS =
  /experiment|result|evaluation|empirical|numerical|benchmark|performance|simulation|conclusion|discussion|applications?/i;

const DISPLAY =
  /\\begin\{(equation|align|gather|multline|eqnarray|displaymath|flalign|alignat|dmath)(\*?)\}([\s\S]*?)\\end\{\1\2\}|\\\[([\s\S]*?)\\\]|\$\$([\s\S]*?)\$\$/g;

/** Display-math source → one KaTeX-ready formula (alignment kept in an `aligned` block). */
function displayTex(env: string | undefined, raw: string, macros: Macros): string {
  let tex = raw
    .replace(/\\(?:nonumber|notag)\b/g, "")
    .replace(/\\tag\*?\{[^}]*\}/g, "")
    .replace(/\\label\{[^}]*\}/g, "")
    .trim();
  if (env === "alignat") tex = tex.replace(/^\{\d+\}/, "");
  const multiline = /\\\\/.test(tex);
  if (env === "eqnarray") tex = tex.replace(/&\s*(=|\\le|\\ge|<|>|\\approx)\s*&/g, "&$1 ");
  if (env === "multline" || env === "dmath") tex = tex.replace(/\\\\/g, " ");
  else if (env === "gather" && multiline) tex = `\\begin{gathered}${tex}\\end{gathered}`;
  else if (multiline || /&/.test(tex)) tex = `\\begin{aligned}${tex}\\end{aligned}`;
  tex = expandMacros(tex, macros).replace(/\s+/g, " ").trim();
  return trimTrailing(tex);
}

/** Drops the sentence punctuation and spacing a display ends with ("…\\textbf{n}\\ ,"), also inside `aligned`. */
function trimTrailing(tex: string): string {
  const env = /\\end\{(?:aligned|gathered)\}$/.exec(tex)?.[0] ?? "";
  let t = env ? tex.slice(0, -env.length) : tex;
  for (;;) {
    const next = t.replace(/(?:\s|\\[ ,;:!]|\\q?quad\b|[,.;]|\\\\)+$/, "");
    if (next === t) break;
    t = next;
  }
  return `${t}${env}`;
}

/** The last sentence of the prose before a display (what introduces it). */
function lastSentence(prose: string, macros: Macros): string {
  const para =
    prose
      .split(/\n\s*\n/)
      .filter((p) => p.trim() !== "")
      .pop() ?? "";
  const md = proseToMarkdown(para, macros);
  const sentences = splitSentences(md);
  const last = sentences[sentences.length - 1] ?? "";
  // "… is given by" needs the sentence before it too when it is short
  const prev = sentences[sentences.length - 2];
  const text = last.split(/\s+/).length < 8 && prev ? `${prev} ${last}` : last;
  return text.length > LIMITS.sentence ? `…${text.slice(-LIMITS.sentence)}` : text;
}

function firstSentence(prose: string, macros: Macros): string {
  const para = prose.split(/\n\s*\n/)[0] ?? "";
  const first = splitSentences(proseToMarkdown(para, macros))[0] ?? "";
  return first.length > LIMITS.sentence ? `${first.slice(0, LIMITS.sentence)}…` : first;
}

function referenceCount(text: string, label: string): number {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return (
    text.match(
      new RegExp(String.raw`\\(?:eq|c|C|auto|name|)ref\*?\{[^}]*?(?:^|,|\{)\s*${escaped}\s*(?:,|\})`, "g"),
    ) ?? []
  ).length;
}

function equationsOf(doc: LatexDocument, sections: Section[], early: string): PaperEquation[] {
  const body = doc.body;
  const matches = [...body.matchAll(DISPLAY)];
  const out: PaperEquation[] = [];
  matches.forEach((m, k) => {
    if (out.length >= LIMITS.equations) return;
    const at = m.index ?? 0;
    const raw = m[3] ?? m[4] ?? m[5] ?? "";
    const tex = displayTex(m[1], raw, doc.macros);
    if (tex.replace(/\\[A-Za-z]+|[{}\s]/g, "").length < 3) return;
    const labels = [...raw.matchAll(/\\label\{([^}]+)\}/g)].map((l) => l[1] ?? "");
    const prevEnd = k > 0 ? (matches[k - 1]?.index ?? 0) + (matches[k - 1]?.[0].length ?? 0) : 0;
    const nextStart = matches[k + 1]?.index ?? body.length;
    const before = body.slice(Math.max(prevEnd, at - 1500), at);
    const after = body.slice(at + m[0].length, Math.min(nextStart, at + m[0].length + 800));
    const references = labels.reduce((n, l) => n + referenceCount(body, l), 0);
    out.push({
      tex,
      labels,
      section: sectionAt(sections, at),
      before: lastSentence(before, doc.macros),
      after: /^\s*(?:where|with|for|in which|here)\b/i.test(after) ? firstSentence(after, doc.macros) : "",
      references,
      citedEarly: labels.some((l) => referenceCount(early, l) > 0),
      index: out.length,
    });
  });
  return out;
}

/**
 * The paper's central equation, chosen by where and how the paper uses it: an equation the introduction,
 * the contribution list or the abstract refers to scores highest (+4), then every later reference to it
 * (+1 each, at most +4), then its place (+2 in a method/model/main-result section, +1 for the first display
 * there; −2 in background/preliminaries, −4 in an appendix), then its shape (+1 when it relates two sides
 * with =, ≤, ≈ or ∝; −3 when it is a fragment under 12 characters or a derivation over 400). Ties go to
 * the earlier equation. Undefined when no equation scores above zero.
 */
export function centralEquation(equations: PaperEquation[]): number | undefined {
  let best: { i: number; score: number } | undefined;
  const firstInSection = new Set<string>();
  equations.forEach((e, i) => {
    let score = 0;
    if (e.citedEarly) score += 4;
    score += Math.min(4, e.references);
    const appendix = /^Appendix:/.test(e.section);
    if (!appendix && METHOD.test(e.section) && !BACKGROUND.test(e.section)) {
      score += 2;
      if (!firstInSection.has(e.section)) score += 1;
    }
    firstInSection.add(e.section);
    if (appendix) score -= 4;
    else if (BACKGROUND.test(e.section)) score -= 2;
    if (/=|\\le|\\ge|\\approx|\\propto|\\sim|<|>/.test(e.tex)) score += 1;
    if (e.tex.length < 12 || e.tex.length > 400) score -= 3;
    if (e.before === "") score -= 1;
    if (score > 0 && (!best || score > best.score)) best = { i, score };
  });
  return best?.i;
}

const THEOREM_DEFAULTS: Record<string, string> = {
  theorem: "Theorem",
  thm: "Theorem",
  proposition: "Proposition",
  prop: "Proposition",
  corollary: "Corollary",
  cor: "Corollary",
  lemma: "Lemma",
  lem: "Lemma",
};

function theoremsOf(doc: LatexDocument): PaperTheorem[] {
  const kinds: Record<string, string> = { ...THEOREM_DEFAULTS };
  for (const m of `${doc.preamble}\n${doc.body}`.matchAll(
    /\\(?:newtheorem|declaretheorem)\*?\s*\{(\w+)\}\s*(?:\[[^\]]*\])?\s*(?:\{([^}]*)\})?/g,
  )) {
    const title = (m[2] ?? m[1] ?? "").trim();
    if (/theorem|proposition|corollary|lemma|satz|claim/i.test(title) && m[1]) kinds[m[1]] = title;
  }
  const names = Object.keys(kinds).join("|");
  const re = new RegExp(String.raw`\\begin\{(${names})\}\s*(?:\[([^\]]*)\])?([\s\S]*?)\\end\{\1\}`, "g");
  const out: PaperTheorem[] = [];
  for (const m of doc.body.matchAll(re)) {
    if (out.length >= LIMITS.theorems) break;
    const raw = m[3] ?? "";
    const label = /\\label\{([^}]+)\}/.exec(raw)?.[1];
    let statement = proseToMarkdown(
      raw.replace(
        DISPLAY,
        (d) =>
          ` $${displayTex(undefined, d.replace(/^\\\[|\\\]$|^\$\$|\$\$$/g, "").replace(/^\\begin\{[^}]*\}|\\end\{[^}]*\}$/g, ""), doc.macros)}$ `,
      ),
      doc.macros,
    );
    if (statement.length > LIMITS.statement)
      statement = `${statement.slice(0, LIMITS.statement).replace(/\s\S*$/, "")}…`;
    const title = m[2] ? proseToMarkdown(m[2], doc.macros) : undefined;
    out.push({
      kind: kinds[m[1] ?? ""] ?? "Theorem",
      ...(label ? { label } : {}),
      ...(title ? { title } : {}),
      statement,
    });
  }
  // Theorems and propositions first: they carry the paper's claims; lemmas serve them.
  const rank = (t: PaperTheorem) => (/lemma/i.test(t.kind) ? 1 : 0);
  return out.sort((a, b) => rank(a) - rank(b));
}

const CONTRIBUTION_CUE =
  /contribution|we (?:summari[sz]e|make|propose|introduce|present|show)|our (?:main )?(?:results?|contributions?|findings)|main (?:results?|ideas?)|in (?:summary|short)|this (?:paper|work) (?:makes|has)/i;

function contributionsOf(doc: LatexDocument, sections: Section[]): { items: string[]; span: string } {
  const introIdx = sections.findIndex((s) => INTRO.test(s.title));
  const start = introIdx >= 0 ? (sections[introIdx]?.start ?? 0) : 0;
  const end =
    introIdx >= 0 ? (sections[introIdx + 1]?.start ?? doc.body.length) : Math.min(doc.body.length, 12_000);
  const intro = doc.body.slice(start, end);
  const lists = [...intro.matchAll(/\\begin\{(itemize|enumerate|description)\}([\s\S]*?)\\end\{\1\}/g)];
  const cued =
    lists.find((l) => CONTRIBUTION_CUE.test(intro.slice(Math.max(0, (l.index ?? 0) - 600), l.index ?? 0))) ??
    lists.find((l) => (l[2]?.match(/\\item\b/g) ?? []).length >= 2);
  if (cued) {
    const items = (cued[2] ?? "")
      .split(/\\item\b\s*(?:\[[^\]]*\])?/)
      .slice(1)
      .map((it) => proseToMarkdown(it, doc.macros))
      .filter((it) => it.length > 15)
      .slice(0, LIMITS.contributions);
    if (items.length > 0) return { items, span: intro };
  }
  // no list: the introduction's own "we propose / we show" sentences
  const sentences = splitSentences(proseToMarkdown(intro.replace(DISPLAY, " "), doc.macros));
  const items = sentences
    .filter((s) =>
      /\b(?:we|this paper|this work)\b[^.]{0,40}\b(?:propose|introduce|present|show|prove|derive|develop|establish|obtain)/i.test(
        s,
      ),
    )
    .slice(0, 3);
  return { items, span: intro };
}

const BASELINE =
  /\b(?:than|compared (?:to|with)|relative to|over (?!\d)|versus|vs\.?|against|baselines?|state[- ]of[- ]the[- ]art)\b/i;

function figuresOf(doc: LatexDocument, sections: Section[], abstract: string | undefined): PaperFigure[] {
  const spans: { text: string; section: string }[] = [];
  if (abstract) spans.push({ text: abstract, section: "Abstract" });
  sections.forEach((s, i) => {
    if (!EXPERIMENTS.test(s.title) || /^Appendix/.test(s.title)) return;
    const raw = doc.body.slice(s.start, sections[i + 1]?.start ?? doc.body.length);
    const prose = raw
      .replace(/\\begin\{(table|figure|tabular|algorithm)\*?\}[\s\S]*?\\end\{\1\*?\}/g, " ")
      .replace(DISPLAY, " ");
    spans.push({ text: proseToMarkdown(prose, doc.macros), section: s.title });
  });
  const found: (PaperFigure & { weight: number })[] = [];
  for (const span of spans) {
    for (const sentence of splitSentences(span.text)) {
      if (!BASELINE.test(sentence) || sentence.length > LIMITS.sentence) continue;
      const plain = sentence.replace(/\$/g, "");
      const q = quantitiesIn(plain)
        .filter((x) => x.weight >= 3)
        .sort((a, b) => b.weight - a.weight)[0];
      if (!q) continue;
      const baseline =
        /\b(?:than|compared (?:to|with)|relative to|over(?= [^\d])|versus|vs\.?|against)\s+([^,;.]{3,80})/i.exec(
          plain,
        )?.[1];
      found.push({
        value: q.text,
        ...(baseline ? { baseline: baseline.trim() } : {}),
        sentence,
        section: span.section,
        weight: q.weight + (span.section === "Abstract" ? 1 : 0),
      });
    }
  }
  const seen = new Set<string>();
  return found
    .sort((a, b) => b.weight - a.weight)
    .filter((f) => {
      if (seen.has(f.sentence)) return false;
      seen.add(f.sentence);
      return true;
    })
    .slice(0, LIMITS.figures)
    .map(({ weight: _w, ...f }) => f);
}

function abstractOf(doc: LatexDocument): string | undefined {
  const env = /\\begin\{abstract\}([\s\S]*?)\\end\{abstract\}/.exec(`${doc.preamble}\n${doc.body}`)?.[1];
  const cmd = env === undefined ? /\\abstract\s*\{([\s\S]*?)\}\s*\n/.exec(doc.preamble)?.[1] : undefined;
  const raw = env ?? cmd;
  return raw ? proseToMarkdown(raw, doc.macros) : undefined;
}

/** Everything the writer may quote from the paper, from its assembled LaTeX. */
export function extractPaper(doc: LatexDocument): Extracted {
  const sections = sectionsOf(doc.body, doc.macros);
  const abstract = abstractOf(doc);
  const contributions = contributionsOf(doc, sections);
  const rawAbstract =
    /\\begin\{abstract\}([\s\S]*?)\\end\{abstract\}/.exec(`${doc.preamble}\n${doc.body}`)?.[1] ?? "";
  const equations = equationsOf(doc, sections, `${rawAbstract}\n${contributions.span}`);
  return {
    abstract: abstract ? foldTextAccents(abstract) : undefined,
    equations,
    central: centralEquation(equations),
    theorems: theoremsOf(doc),
    contributions: contributions.items,
    figures: figuresOf(doc, sections, abstract),
  };
}
