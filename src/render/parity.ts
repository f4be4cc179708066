/** Compares channels: every rendering of a field mapped to one text, so tests can prove they say the same. */
import { decodeEntities } from "../html-entities";
import { texToUnicode } from "../tex/tex-unicode";

/**
 * The visible text of a rendered HTML fragment (web or email, or Telegram HTML), with every formula replaced
 * by its Unicode form. Formulas are found by the `data-unicode` attribute that `fieldToHtml` puts on its
 * `<span class="math …">` wrappers, so KaTeX's doubled HTML+MathML markup is never read as text.
 * Feed the result to `normalizeForParity`.
 */
export function htmlToParityText(html: string): string {
  let out = "";
  let i = 0;
  const open = /<span class="math[^"]*" data-unicode="([^"]*)"[^>]*>/g;
  for (let m = open.exec(html); m !== null; m = open.exec(html)) {
    out += html.slice(i, m.index);
    out += ` ${m[1] ?? ""} `;
    // skip to the matching </span>, counting nested spans
    let depth = 1;
    let j = open.lastIndex;
    const tag = /<(\/?)span\b[^>]*>/g;
    tag.lastIndex = j;
    for (let t = tag.exec(html); t !== null; t = tag.exec(html)) {
      depth += t[1] === "/" ? -1 : 1;
      j = tag.lastIndex;
      if (depth === 0) break;
    }
    i = j;
    open.lastIndex = j;
  }
  out += html.slice(i);
  return decodeEntities(
    out
      .replace(/<br\s*\/?>/gi, "\n")
      .replace(/<\/(p|pre|li|blockquote|div)>/gi, "\n")
      .replace(/<[^>]+>/g, ""),
  );
}

/**
 * Maps the text of any rendering of a field to a form in which all channels compare equal:
 *
 * 1. math: `$$…$$`, `$…$`, `\(…\)`, `\[…\]` (the Markdown source) become `texToUnicode` of their TeX, so the
 *    Markdown channel's LaTeX equals email/Telegram Unicode and the web's `data-unicode` text;
 * 2. markup: HTML tags dropped and entities decoded; Markdown backslash escapes, emphasis markers,
 *    backticks, fences (with their language tag), list bullets and blockquote markers dropped; `[text](url)` → `text`, and the
 *    " (url)" that plain text appends to a link is dropped;
 * 3. notation: Unicode NFKC (𝟏→1, ²→2, ᵢ→i, so styled and plain letters agree), minus sign
 *    → "-", primes → "'", every run of whitespace → one space, and no space next to punctuation or math
 *    symbols, so display math on its own line and inline math compare equal.
 *
 * Pass any rendering as is: rendered HTML (every `<` opens a tag) is detected and read through
 * `htmlToParityText` first (force it either way with `opts.html`); Markdown and plain text are read as text.
 */
export function normalizeForParity(s: string, opts: { html?: boolean } = {}): string {
  let t = (opts.html ?? looksLikeRenderedHtml(s)) ? htmlToParityText(s) : s;
  // Markdown math → Unicode (a no-op on rendered text, which has none).
  t = t.replace(/\$\$([\s\S]+?)\$\$/g, (_m, tex: string) => ` ${texToUnicode(tex, { display: true })} `);
  t = t.replace(/\\\[([\s\S]+?)\\\]/g, (_m, tex: string) => ` ${texToUnicode(tex, { display: true })} `);
  t = t.replace(/\\\(([\s\S]+?)\\\)/g, (_m, tex: string) => texToUnicode(tex));
  t = t.replace(
    /(^|[^\\$])\$(?!\s)((?:\\.|[^\\$\n])+?)(?<!\s)\$(?!\d)/g,
    (_m, pre: string, tex: string) => `${pre}${texToUnicode(tex)}`,
  );
  // Markdown backslash escapes (the Markdown channel escapes text that would otherwise be markup)
  t = t.replace(/\\([!-/:-@[-`{-~])/g, "$1");
  // Markdown links and the " (url)" plain text appends to a link
  t = t.replace(/!?\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))+\)/g, "$1");
  t = t.replace(/\s*\((?:https?:|mailto:)[^)\s]*\)/g, "");
  // fences, emphasis, code, bullets, quotes
  t = t.replace(/^\s*(```|~~~)[\w+-]*\s*$/gm, " ");
  t = t.replace(/(\*\*|__|~~)(?=\S)([\s\S]*?\S)\1/g, "$2");
  t = t.replace(/(^|[\s(])[*_](?=\S)([^*_\n]*?\S)[*_](?=[\s).,;:!?]|$)/g, "$1$2");
  t = t.replace(/`+/g, "");
  t = t.replace(/^\s*(?:[-*+•]|\d+\.)\s+/gm, "");
  t = t.replace(/^\s*>\s?/gm, "");
  // notation
  t = t.normalize("NFKC");
  t = t
    .replace(/[−‐‑‒–]/g, "-")
    .replace(/[′’‘]/g, "'")
    .replace(/[“”]/g, '"');
  t = t.replace(/\s+/g, " ");
  t = t.replace(/ ?([^\p{L}\p{N}\s"']) ?/gu, "$1");
  return t.trim();
}

const STRICT_TAG = /<\/?[a-z][a-z0-9]*(?:\s+[\w-]+(?:="[^"]*")?)*\s*\/?>/gi;

/**
 * Rendered HTML (web, email, Telegram) escapes every `<` and `&` that is text, so in it every `<` opens a
 * tag and every `&` an entity; Markdown or plain text with a literal "a<b" or "R&D" does not look like
 * that. (Text whose only `<` happen to form tags and that has no bare `&` is ambiguous: pass `opts.html`.)
 */
function looksLikeRenderedHtml(s: string): boolean {
  const tags = s.match(STRICT_TAG)?.length ?? 0;
  const entities = s.match(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi)?.length ?? 0;
  const angles = s.split("<").length - 1;
  const ampersands = s.split("&").length - 1;
  return tags + entities > 0 && tags === angles && entities === ampersands;
}
