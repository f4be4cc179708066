/** The Intuition field: the idea and the difficulty it answers, in the third person, method name in bold. */
import type { Candidate } from "../candidate";
import { cleanAbstract } from "./abstract";
import { type Analysis, INTUITION_WORDS, LONG_SENTENCE, type Plan } from "./plan";
import { boldFirst, clauseCut, ensurePeriod, resolveAnaphora, tidy, words } from "./rewrite";

export function intuitionOf(c: Candidate, a: Analysis, p: Plan): string {
  const lead = c.signals.aiSummary ?? c.signals.tldr;
  const parts: string[] = [];
  if (lead) parts.push(ensurePeriod(cleanAbstract(lead)));
  let used = parts.reduce((n, t) => n + words(t), 0);
  for (const s of p.intuition) {
    if (lead && parts.length >= 2) break;
    const earlier = a.sentences.filter((x) => x.index < s.index && !p.intuition.includes(x));
    const text = resolveAnaphora(tidy(s.text), earlier);
    const room = INTUITION_WORDS - used;
    // whole sentences only: a long one is ended at a clause boundary, never cut mid-clause
    let fitted: string | undefined =
      words(text) > LONG_SENTENCE ? (clauseCut(text, LONG_SENTENCE, 12) ?? text) : text;
    if (words(fitted) > room + 10)
      fitted = clauseCut(fitted, Math.max(room, 12), 12) ?? (parts.length === 0 ? fitted : undefined);
    if (!fitted) continue;
    parts.push(fitted);
    used += words(fitted);
  }
  if (parts.length === 0) parts.push(ensurePeriod(c.title));
  return boldFirst(parts.join(" "), a.name);
}
