/** The "Why it matches" field, from the scorer's explanation and the reader's profile. */
import type { ReaderProfile } from "../profile";
import type { Analysis } from "./plan";
import { ensurePeriod, joinList, upperFirst } from "./rewrite";
import type { MatchExplanation } from "./types";

/** An interest statement's head ("Optimal transport: entropic…" → "optimal transport"), as prose. */
export function shortInterest(interest: string): string {
  const t = (interest.split(":")[0] ?? interest).trim().replace(/[.]$/, "");
  const head = t.length <= 48 ? t : `${t.slice(0, t.lastIndexOf(" ", 45))}…`;
  // Lowercase the first letter unless the first word is an acronym ("OT", "HJB").
  return /^[A-Z][a-z]/.test(head) ? `${head[0]?.toLowerCase()}${head.slice(1)}` : head;
}

function styleOf(a: Analysis): string {
  const p = a.plainAll;
  if (
    /\b(prove|proof|theorem|closed[- ]form|derive|derivation|convergence|(upper|lower|error|regret|generalization|performance) bound)\b/i.test(
      p,
    )
  ) {
    return "First-principles: a derivation, not only a benchmark";
  }
  if (/\b(GPUs?|HBM|SRAM|memory|IO|I\/O|throughput|latency|kernels?|cache|caches)\b/.test(p)) {
    return "Mechanism-first (where the time and memory go) rather than benchmark-only";
  }
  if (/\b(interpretab|explainab|SHAP)/i.test(p))
    return "It ties what the model learns back to mechanisms you can check";
  if (/\b(dataset|benchmark|experiments?|empirical)\b/i.test(p))
    return "Empirical, with a concrete evaluation to check";
  return "A clear, checkable claim";
}

const GENERIC_WORDS = new Set([
  "limit",
  "order",
  "model",
  "models",
  "learning",
  "based",
  "using",
  "method",
  "methods",
  "theory",
  "systems",
  "system",
  "books",
  "data",
]);
/** Words too common in abstracts to count as a full match on their own. */
const WEAK_WORDS = new Set([
  "optimal",
  "stochastic",
  "generative",
  "market",
  "markets",
  "neural",
  "large",
  "deep",
  "control",
  "matching",
]);

/** Profile interests the text names: enough of each interest's specific words, matched as whole words. */
export function interestHits(profile: Pick<ReaderProfile, "interests">, text: string): string[] {
  const lower = text.toLowerCase();
  return profile.interests.filter((interest) => {
    const content = interest
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 4 && !GENERIC_WORDS.has(w));
    if (content.length === 0) return false;
    const weight = (w: string) => (WEAK_WORDS.has(w) ? 0.5 : 1);
    const total = content.reduce((n, w) => n + weight(w), 0);
    const hit = content
      .filter((w) => new RegExp(`\\b${w}s?\\b`).test(lower))
      .reduce((n, w) => n + weight(w), 0);
    return hit >= 1 && hit / total >= 0.5;
  });
}

export function whyItMatchesOf(a: Analysis, explanation: MatchExplanation, profile: ReaderProfile): string {
  const parts: string[] = [];
  const interests = explanation.interests.slice(0, 3).map(shortInterest);
  const style = styleOf(a);
  if (interests.length > 0)
    parts.push(`${style}, and directly tied to your interest in ${joinList(interests)}.`);
  else {
    // no explanation from the scorer: name the profile interests the abstract mentions
    const hits = interestHits(profile, a.plainAll);
    parts.push(
      hits.length > 0
        ? `${style}; it touches your interest in ${joinList(hits.slice(0, 2).map(shortInterest))}.`
        : `${style}.`,
    );
  }
  if (explanation.lenses.length > 0) {
    const lenses = explanation.lenses.slice(0, 3);
    parts.push(`It exercises the ${joinList(lenses)} lens${lenses.length > 1 ? "es" : ""} you read with.`);
  }
  if (explanation.liked.length > 0) {
    parts.push(`Close to what you liked: ${joinList(explanation.liked.slice(0, 2).map((t) => `“${t}”`))}.`);
  }
  if (explanation.signals.length > 0) parts.push(`Signals: ${explanation.signals.slice(0, 3).join("; ")}.`);
  if (parts.length === 1 && explanation.text.trim()) {
    // The scorer's sentence restates the interest already named; keep only the terms it shares.
    const shared = interests.length > 0 ? /\(([^)]+)\)/.exec(explanation.text)?.[1] : undefined;
    if (interests.length === 0) parts.push(ensurePeriod(upperFirst(explanation.text.trim())));
    else if (shared) parts.push(`Common ground: ${shared}.`);
  }
  return parts.join(" ");
}
