/** Sentence rewriting shared by the fields: third person, bold names and figures, clause cuts, anaphora. */
import { MATH_SEGMENT, mapOutsideMath } from "../tex/math-segments";
import type { Sentence } from "./abstract";
import { quantitiesIn } from "./quantities";

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
export function methodName(title: string): string | undefined {
  const m = /^([^:]{2,40}):\s/.exec(title);
  const name = m?.[1]?.trim();
  if (!name || name.split(/\s+/).length > 4) return undefined;
  return name;
}

export function boldFirst(text: string, term: string | undefined): string {
  if (!term || term.includes("$") || term.includes("*")) return text;
  const i = text.indexOf(term);
  if (i < 0) return text;
  // not inside math
  const before = text.slice(0, i);
  if ((before.match(/\$/g) ?? []).length % 2 === 1) return text;
  return `${before}**${term}**${text.slice(i + term.length)}`;
}

/** Bolds headline quantities (weight ≥ 3) outside math. */
export function boldQuantities(text: string): string {
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

export function ensurePeriod(s: string): string {
  const t = s.trim();
  return /[.!?)"”]$|\$\$$/.test(t) ? t : `${t}.`;
}

/** Leads like "Experiments show that" say nothing; "They report" says who claims it. */
export function reportVoice(s: string): string {
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

export function words(s: string): number {
  return s.split(/\s+/).filter(Boolean).length;
}

export function truncateWords(s: string, max: number): string {
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
export function clauseCut(s: string, max: number, min = 8): string | undefined {
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
export function resolveAnaphora(text: string, earlier: Sentence[]): string {
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

export const DISCOURSE_MARKER =
  /^(?:However|Moreover|Furthermore|Further|Additionally|In addition|Besides|Meanwhile|Consequently|Overall|In conclusion|In summary|Finally|Specifically|Also|Thus|Hence|Therefore|In fact|Importantly|Notably|First|Second|Third|Lastly|To this end|In this context|For instance|For example|In particular|As a result|Then|Nevertheless|Nonetheless|Accordingly|Crucially),?\s+/i;

/** A sentence from the abstract, ready to quote: third person, no dangling connective. */
export function tidy(s: string): string {
  const t = thirdPerson(s).replace(DISCOURSE_MARKER, "");
  return ensurePeriod(upperFirst(t));
}

export function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Lower-cases the first word unless it is a name or acronym. */
export function lowerFirstWord(s: string): string {
  const m = /^([A-Z][a-z]+)\b/.exec(s);
  return m?.[1] && !/^(They|Their)$/.test(m[1]) ? `${m[1].toLowerCase()}${s.slice(m[1].length)}` : s;
}

export function joinList(xs: string[]): string {
  if (xs.length <= 1) return xs.join("");
  return `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;
}
