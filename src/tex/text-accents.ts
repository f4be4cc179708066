/**
 * Text-mode TeX accents and special letters → the Unicode letters they stand for: `Schr\"odinger` →
 * Schrödinger, `\'e` → é, `\c{c}` → ç, `{\"o}`, `\"{o}`, `\ss` → ß. Used on abstracts and on prose quoted
 * from a paper's source, so that no channel shows `Schr"odinger`.
 */

/** Accent command → combining mark (NFC then folds letter + mark into one letter where one exists). */
const ACCENT_MARKS: Record<string, string> = {
  '"': "\u0308",
  "'": "\u0301",
  "`": "\u0300",
  "^": "\u0302",
  "~": "\u0303",
  "=": "\u0304",
  ".": "\u0307",
  u: "\u0306",
  v: "\u030c",
  H: "\u030b",
  c: "\u0327",
  k: "\u0328",
  r: "\u030a",
  d: "\u0323",
  b: "\u0331",
};

/** Letters that are commands of their own. */
const LETTERS: Record<string, string> = {
  ss: "ß",
  o: "ø",
  O: "Ø",
  ae: "æ",
  AE: "Æ",
  oe: "œ",
  OE: "Œ",
  aa: "å",
  AA: "Å",
  l: "ł",
  L: "Ł",
  i: "ı",
  j: "ȷ",
};

const ACCENT = String.raw`(?:(["'\`^~=.])|([uvHckrdb])(?![A-Za-z]))`;
/** The accented base: one letter or a dotless \i / \j, bare or in braces. */
const BASE = String.raw`(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|\s*(\\[ij](?![A-Za-z])[ \t]?|[A-Za-z]))`;
const BRACED_ACCENT = new RegExp(String.raw`\{\\${ACCENT}${BASE}\}`, "g");
const BARE_ACCENT = new RegExp(String.raw`\\${ACCENT}${BASE}`, "g");
const LETTER_NAMES = Object.keys(LETTERS).join("|");
const BRACED_LETTER = new RegExp(String.raw`\{\\(${LETTER_NAMES})\}`, "g");
const BARE_LETTER = new RegExp(String.raw`\\(${LETTER_NAMES})(?![A-Za-z])(?:\{\}|[ \t])?`, "g");

function accented(symbol: string | undefined, letter: string | undefined, b1?: string, b2?: string): string {
  const mark = ACCENT_MARKS[symbol ?? letter ?? ""] ?? "";
  const base = (b1 ?? b2 ?? "").trim();
  const plain = base === "\\i" ? "i" : base === "\\j" ? "j" : base;
  return `${plain}${mark}`.normalize("NFC");
}

/**
 * Replaces text accents with letters. Leaves math alone: call it on text outside `$…$`. An accent over
 * something that is not a letter is left as it is.
 */
export function foldTextAccents(text: string): string {
  if (!text.includes("\\")) return text;
  return (
    text
      // `\''o` is how some submissions (and TeX-to-XML converters) write `\"o`
      .replace(/\\''/g, '\\"')
      .replace(BRACED_ACCENT, (_m, sy?: string, le?: string, b1?: string, b2?: string) =>
        accented(sy, le, b1, b2),
      )
      .replace(BARE_ACCENT, (_m, sy?: string, le?: string, b1?: string, b2?: string) =>
        accented(sy, le, b1, b2),
      )
      .replace(BRACED_LETTER, (m, name: string) => LETTERS[name] ?? m)
      .replace(BARE_LETTER, (m, name: string) => LETTERS[name] ?? m)
  );
}

/**
 * True when a text-mode TeX accent shows through (for the bench): the TeX itself (`\"o`, `\c{c}`, `\ss`),
 * or what is left of it once Markdown ate the backslash (`Schr"odinger`, `Ito^`); a bare apostrophe is not
 * counted, since names such as Lur'e are spelled with one.
 */
export function hasAccentArtifact(text: string): boolean {
  return /\\["'`^~=.][{A-Za-z]|\\[uvHckrdb]\{[A-Za-z]\}|\\(?:ss|ae|oe|aa)\b|[A-Za-z]"[aeiouAEIOU]|[a-z]\^[aeiou]/.test(
    text,
  );
}
