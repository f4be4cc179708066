/** The write-up of a tool (a GitHub repository): description, a usage example from the README, metadata. */
import type { Writeup } from "../issue";
import { domainOf, timeCostOf } from "./meta";
import { analyze } from "./plan";
import { ensurePeriod, lowerFirstWord, truncateWords } from "./rewrite";
import type { WriteInput } from "./types";
import { whyItMatchesOf } from "./why-it-matches";

/** The first fenced code block of a README that looks like usage (under a Usage/Example heading if any). */
export function usageExampleOf(readme: string | undefined): { lang: string; code: string } | undefined {
  if (!readme) return undefined;
  const blocks = [...readme.matchAll(/^(```|~~~)([\w+-]*)[^\n]*\n([\s\S]*?)^\1\s*$/gm)].map((m) => ({
    index: m.index ?? 0,
    lang: m[2] ?? "",
    code: (m[3] ?? "").replace(/\s+$/, ""),
  }));
  if (blocks.length === 0) return undefined;
  const usageHeading =
    /^#{1,4}\s*(usage|quick ?start|example|getting started|basic usage|minimal example)/im.exec(readme);
  const afterHeading = usageHeading ? blocks.filter((b) => b.index > (usageHeading.index ?? 0)) : [];
  const isInstall = (b: { code: string }) =>
    /^\s*(pip|npm|yarn|pnpm|cargo|go|brew|apt(-get)?|conda|git) (install|add|clone|get)\b/m.test(b.code) &&
    b.code.split("\n").length <= 3;
  const pick = afterHeading.find((b) => !isInstall(b)) ?? blocks.find((b) => !isInstall(b)) ?? blocks[0];
  if (!pick) return undefined;
  const lines = pick.code.split("\n");
  return { lang: pick.lang, code: lines.length > 25 ? `${lines.slice(0, 24).join("\n")}\n# …` : pick.code };
}

function readmeIntro(readme: string | undefined): string | undefined {
  if (!readme) return undefined;
  const paragraphs = readme
    .replace(/^(```|~~~)[\s\S]*?^\1\s*$/gm, "")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 40 && !/^(#|!\[|\[!\[|<|\||>)/.test(p));
  return paragraphs[0]?.replace(/\s+/g, " ");
}

export function writeTool(input: WriteInput): Writeup {
  const c = input.candidate;
  const description = c.summary.trim() || readmeIntro(c.signals.readme) || c.title;
  const intro = readmeIntro(c.signals.readme);
  const intuitionParts = [ensurePeriod(description)];
  if (intro && intro !== description && !intro.includes(description.slice(0, 40)))
    intuitionParts.push(truncateWords(ensurePeriod(intro), 60));
  const usage = usageExampleOf(c.signals.readme);
  const meta: string[] = [];
  if (c.signals.language) meta.push(c.signals.language);
  if (c.signals.stars !== undefined) meta.push(`${c.signals.stars} stars`);
  if (c.signals.forks) meta.push(`${c.signals.forks} forks`);
  const metaText = meta.length > 0 ? ` (${meta.join(", ")})` : "";
  const punch = usage
    ? `What it is for, in code — a minimal usage from the README${metaText}:\n\n\`\`\`${usage.lang}\n${usage.code}\n\`\`\``
    : `What it is for: ${lowerFirstWord(ensurePeriod(description))}${metaText ? ` Repository${metaText}.` : ""}`;
  const a = analyze({ ...c, summary: `${description} ${intro ?? ""}` });
  const pushed = c.signals.pushedAt ? ` Last push ${c.signals.pushedAt.slice(0, 10)}.` : "";
  return {
    domain: domainOf(c, input.tags),
    timeCost: timeCostOf(c),
    intuition: intuitionParts.join(" "),
    punch,
    significance: `Tooling, not a result: it is worth your time if it removes a step you now do by hand.${pushed}${c.signals.topics?.length ? ` Topics: ${c.signals.topics.slice(0, 5).join(", ")}.` : ""}`,
    whyItMatches: whyItMatchesOf(a, input.explanation, input.profile),
  };
}
