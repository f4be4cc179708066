/**
 * KaTeX for TeX we did not write: abstracts and write-ups quote formulas straight from papers and
 * source payloads, so a formula is untrusted input. Rendering is bounded three ways: macro
 * expansions (`maxExpand`, so `\def` chains that double at each step stop early), sizes
 * (`maxSize`, so `\rule{1e9em}` cannot ask for a page-sized box) and length (a longer formula, or
 * one whose markup would be huge, is left to the caller's Unicode form). `trust: false` keeps
 * `\href`, `\url`, `\includegraphics` and `\htmlClass` from becoming links, images or attributes.
 */
import katex, { type KatexOptions } from "katex";

/** Expansions per formula: far above any real formula (a few dozen), far below a bomb. */
export const TEX_MAX_EXPAND = 200;
/** Largest size any box may have, in em; real formulas stay well under a few em. */
export const TEX_MAX_SIZE = 20;
/** Longest formula rendered by KaTeX; a longer one is not a formula but an attack or a paste. */
export const TEX_MAX_LENGTH = 2000;
/**
 * Most markup one formula may become. KaTeX's HTML+MathML is ~100× its source for ordinary math,
 * but a 2,000-character matrix of empty cells becomes ~600 KB; past this, Unicode it is.
 */
export const TEX_MAX_OUTPUT = 100_000;

const OPTIONS: KatexOptions = {
  output: "htmlAndMathml",
  throwOnError: true,
  strict: "ignore",
  trust: false,
  maxExpand: TEX_MAX_EXPAND,
  maxSize: TEX_MAX_SIZE,
  // Macros defined by one formula must not leak into the next (KaTeX shares the object otherwise).
  globalGroup: false,
};

/**
 * One untrusted formula as KaTeX HTML, or undefined when KaTeX cannot parse it or it goes past a limit
 * (too long, too many expansions, markup too large): the caller then shows its Unicode form.
 */
export function renderUntrustedTex(tex: string, display: boolean): string | undefined {
  if (tex.length > TEX_MAX_LENGTH) return undefined;
  try {
    const html = katex.renderToString(tex, { ...OPTIONS, displayMode: display, macros: {} });
    return html.length <= TEX_MAX_OUTPUT ? html : undefined;
  } catch {
    return undefined;
  }
}
