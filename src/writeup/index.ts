/**
 * Write-ups: the six fields of each research pick, and one-line reasons for talks.
 *
 * `deterministicWriter` is the embedded default; `createLlmWriter` wraps a model (Workers AI or any
 * OpenAI-compatible endpoint) and falls back to the deterministic writer on bad output.
 */
import type { Writeup } from "../issue";
import { splitSentences } from "./abstract";

export { cleanAbstract, splitSentences } from "./abstract";
export { deterministicWriter } from "./deterministic";
export { createLlmWriter, LlmWriteup, openAiCompatibleRunner, workersAiRunner } from "./llm";
export { domainOf, formatDuration, pagesOf, timeCostOf } from "./meta";
export { usageExampleOf } from "./tool";
export type { MatchExplanation, WriteInput, Writer } from "./types";

function sentenceKey(s: string): string {
  return s
    .toLowerCase()
    .replace(/[*_`]/g, "")
    .replace(/[^\p{L}\p{N}$\\]+/gu, " ")
    .trim();
}

/**
 * Guard for one issue: no two items may share an Intuition sentence (two sources can carry the same
 * abstract, and a model can repeat itself). A later item loses the sentences an earlier one already has;
 * if nothing is left, it keeps a pointer to its punch rather than repeating text. Order is preserved;
 * items are returned as new objects.
 */
export function distinctIntuitions<T extends Pick<Writeup, "intuition"> & { title?: string }>(
  items: T[],
): T[] {
  const seen = new Set<string>();
  return items.map((item) => {
    const sentences = splitSentences(item.intuition);
    const kept = sentences.filter((s) => !seen.has(sentenceKey(s)));
    for (const s of sentences) seen.add(sentenceKey(s));
    if (kept.length === sentences.length) return item;
    const intuition =
      kept.length > 0
        ? kept.join(" ")
        : `${item.title ? `“${item.title}” ` : "This pick "}covers ground shared with an item above; the difference is in the punch below.`;
    seen.add(sentenceKey(intuition));
    return { ...item, intuition };
  });
}
