/**
 * Applying a text transformation only outside the math (or code) segments of a string: accent folding,
 * rewriting and cleanup must never touch `$…$`, which KaTeX reads as it stands.
 */

/** Inline and display math delimited by dollars. */
export const MATH_SEGMENT = /\$\$[\s\S]+?\$\$|\$(?:\\.|[^\\$])+?\$/g;

/**
 * `outside` applied to the text between the matches of `segments` (a global regex), `inside` to each
 * match (unchanged by default).
 */
export function mapOutsideMath(
  s: string,
  outside: (text: string) => string,
  segments: RegExp = MATH_SEGMENT,
  inside: (segment: string) => string = (m) => m,
): string {
  let out = "";
  let last = 0;
  for (const m of s.matchAll(segments)) {
    out += outside(s.slice(last, m.index)) + inside(m[0]);
    last = (m.index ?? 0) + m[0].length;
  }
  return out + outside(s.slice(last));
}
