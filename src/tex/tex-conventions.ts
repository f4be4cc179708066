/**
 * Author macros that abstracts use without defining them (the definitions live in the paper's preamble,
 * which an abstract does not carry), rewritten to the standard TeX they conventionally stand for:
 * `\RR` → `\mathbb{R}`, `\Hcal` / `\cH` → `\mathcal{H}`, `\bbE` → `\mathbb{E}`, `\mbox{…}` → `\text{…}`,
 * `\unicode{x2013}` → the character; `\require{…}` (MathJax-only) is dropped. Anything still unknown is
 * left for the renderer's fallback.
 */
const CONVENTIONS: [RegExp, (m: string, ...groups: string[]) => string][] = [
  [/\\([A-Z])\1(?![A-Za-z])/g, (_m, x) => `\\mathbb{${x}}`],
  [/\\bb([A-Z])(?![A-Za-z])/g, (_m, x) => `\\mathbb{${x}}`],
  [/\\([A-Z])cal(?![A-Za-z])/g, (_m, x) => `\\mathcal{${x}}`],
  [/\\c([A-Z])(?![A-Za-z])/g, (_m, x) => `\\mathcal{${x}}`],
  [/\\mbox\s*\{/g, () => "\\text{"],
  // package commands KaTeX lacks: bbm's blackboard digits, bm's bold
  [/\\mathbbm(?![A-Za-z])/g, () => "\\mathbb"],
  [/\\bm(?![A-Za-z])/g, () => "\\boldsymbol"],
  [
    /\\unicode\s*\{\s*(x[0-9a-fA-F]+|\d+)\s*\}/g,
    (_m, code) => {
      const n = code.startsWith("x") ? Number.parseInt(code.slice(1), 16) : Number(code);
      return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? `\\text{${String.fromCodePoint(n)}}` : "";
    },
  ],
  [/\\require\s*\{[^}]*\}/g, () => ""],
];

/** Rewrites conventional undefined author macros to standard TeX (a no-op on TeX without backslashes). */
export function applyTexConventions(tex: string): string {
  if (!tex.includes("\\")) return tex;
  let s = tex;
  for (const [re, f] of CONVENTIONS) s = s.replace(re, f as (m: string, ...g: string[]) => string);
  return s;
}
