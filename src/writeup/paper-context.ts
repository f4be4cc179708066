/**
 * The paper's extracted source as prompt text for the LLM writer, bounded in tokens: the central equation
 * with its sentences first, then the contribution list, the main theorems, the headline figures, and
 * other equations by how often the paper refers to them, each added only while it fits the budget.
 */
import type { PaperContext, PaperEquation } from "../paper/types";

/** Default budget: about 1,500 tokens (at ~4 characters a token), next to a ~1,000-token abstract block. */
export const PAPER_CONTEXT_TOKENS = 1500;

function equationText(e: PaperEquation): string {
  return [
    e.before && `  (before) ${e.before}`,
    `  $$ ${e.tex} $$${e.labels.length ? `  [${e.labels.join(", ")}]` : ""}`,
    e.after && `  (after) ${e.after}`,
  ]
    .filter(Boolean)
    .join("\n");
}

/** Rough token count of a string (characters / 4), the bound the prompt is held to. */
export function approxTokens(s: string): number {
  return Math.ceil(s.length / 4);
}

/** The paper block of the prompt, or "" when only the abstract was available. */
export function paperContextBlock(paper: PaperContext | undefined, maxTokens = PAPER_CONTEXT_TOKENS): string {
  if (!paper || paper.source === "abstract") return "";
  const budget = maxTokens * 4;
  const head = `From the paper's ${paper.source === "eprint" ? "LaTeX source" : "HTML rendering"} (author macros expanded):`;
  const sections: string[] = [];
  let used = head.length;
  const add = (text: string) => {
    if (used + text.length + 1 > budget) return false;
    sections.push(text);
    used += text.length + 1;
    return true;
  };
  const central = paper.central !== undefined ? paper.equations[paper.central] : undefined;
  if (central) add(`Central equation (section "${central.section}"):\n${equationText(central)}`);
  if (paper.contributions.length > 0) {
    const items: string[] = [];
    for (const c of paper.contributions) items.push(`  - ${c}`);
    add(`Contributions (from the introduction):\n${items.join("\n")}`) ||
      add(`Contributions (from the introduction):\n${items.slice(0, 2).join("\n")}`);
  }
  for (const t of paper.theorems.slice(0, 3))
    add(`${t.kind}${t.title ? ` (${t.title})` : ""}: ${t.statement}`);
  for (const f of paper.figures.slice(0, 3)) add(`Headline figure: ${f.sentence}`);
  const others = paper.equations
    .filter((e) => e !== central)
    .sort((a, b) => b.references - a.references || a.index - b.index);
  for (const e of others) if (!add(`Equation (section "${e.section}"):\n${equationText(e)}`)) break;
  return sections.length > 0 ? [head, ...sections].join("\n") : "";
}
