/**
 * Interests for many synthetic readers, all from real text: the official names of the arXiv
 * categories and real paper titles from the recorded payloads. Reader `i` gets a deterministic mix,
 * so a run at 1,000 or 10,000 readers has many different profiles and no random words.
 */
import { ARXIV_CATEGORIES } from "../../src/arxiv-categories.ts";

const CATEGORY_NAMES = [...new Set(Object.values(ARXIV_CATEGORIES))].filter((n) => n.length >= 3);

/** Three interest lines for reader `i`: two category names and one paper title (3–300 characters). */
export function readerInterests(i: number, titles: readonly string[]): string[] {
  const clean = titles.map((t) => t.replace(/\s+/g, " ").trim().slice(0, 300)).filter((t) => t.length >= 3);
  const a = CATEGORY_NAMES[i % CATEGORY_NAMES.length] ?? "Machine Learning";
  const b = CATEGORY_NAMES[(i * 7 + 3) % CATEGORY_NAMES.length] ?? "Probability";
  const t = clean[(i * 13 + 5) % Math.max(1, clean.length)] ?? "Optimal transport";
  return [...new Set([a, t, b])];
}
