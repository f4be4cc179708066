/** Text normalization shared by the parsers and the relevance checks. */

import { decodeEntities } from "../html-entities";

export { decodeEntities };

/** Collapses runs of whitespace (arXiv wraps titles and abstracts at ~80 columns). */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Removes HTML tags, decoding entities (HN comment and story texts). */
export function stripTags(html: string): string {
  return collapseWhitespace(decodeEntities(html.replace(/<[^>]*>/g, " ")));
}

const stopwords = new Set(
  (
    "a an and are as at be by for from has have how in into is it its of on or our over that the their " +
    "this to towards via vs what when which while who why with without we you your using use based new " +
    "paper talk lecture video part"
  ).split(" "),
);

/** Lowercased word tokens with diacritics removed (`Álvaro` → `alvaro`). */
export function wordTokens(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}

/** Tokens that carry meaning for relevance checks: no stopwords, no one-letter tokens. */
export function contentTokens(text: string): Set<string> {
  return new Set(wordTokens(text).filter((t) => t.length > 1 && !stopwords.has(t)));
}

/** Share of `needles` found in `haystack` (0 when there are no needles). */
export function containment(needles: Set<string>, haystack: Set<string>): number {
  if (needles.size === 0) return 0;
  let hit = 0;
  for (const t of needles) if (haystack.has(t)) hit++;
  return hit / needles.size;
}

/** Jaccard similarity of two token sets. */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const t of small) if (large.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}

/** An ISO-8601 timestamp for a date string in any format `Date` reads, or undefined. */
export function isoDate(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** A non-negative integer from a number or numeric string, or undefined. */
export function count(raw: unknown): number | undefined {
  const n = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}
