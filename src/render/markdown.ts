import type { Issue, Item, Video } from "../issue";
import { discussionLabel, SECTION, talkFor, videoFacts, videoSections } from "./labels";

function yamlString(s: string): string {
  return JSON.stringify(s);
}

function itemMarkdown(item: Item): string {
  const lines = [
    `## [${item.title}](${item.url})`,
    `**Domain:** ${item.domain} | **Time cost:** ${item.timeCost}`,
    "",
    `**Intuition:** ${item.intuition}`,
    "",
    `**Concrete punch:** ${item.punch}`,
    "",
    `**Significance:** ${item.significance}`,
    "",
    `**Why it matches:** ${item.whyItMatches}`,
  ];
  if (item.discussion) lines.push("", `[${discussionLabel(item.discussion)}](${item.discussion.url})`);
  return lines.join("\n");
}

function videoMarkdown(issue: Issue, v: Video): string {
  const forPick = talkFor(issue, v);
  return [`### [${v.title}](${v.url})`, videoFacts(v), ...(forPick ? [forPick] : []), "", v.reason].join(
    "\n",
  );
}

/**
 * The issue as Markdown with YAML front matter, in the shape of `examples/issue-2026-02-13.md`.
 * Write-up fields are stored as Markdown with `$…$` math, so they pass through unchanged.
 */
export function renderMarkdown(issue: Issue): string {
  const out: string[] = [
    "---",
    `title: ${yamlString(issue.title)}`,
    `date: ${issue.date}`,
    `summary: ${yamlString(issue.summary)}`,
    "---",
    "",
    issue.summary,
    "",
    issue.countLine,
    "",
  ];
  for (const item of issue.items) out.push("---", "", itemMarkdown(item), "");
  for (const { heading, videos } of videoSections(issue)) {
    out.push("---", "", `## ${heading}`, "");
    for (const v of videos) out.push(videoMarkdown(issue, v), "");
  }
  if (issue.notes.length > 0) {
    out.push("---", "", `### ${SECTION.notes}`);
    for (const n of issue.notes) out.push(`- ${n}`);
    out.push("");
  }
  const { received, rules } = issue.feedback;
  if (received.length > 0 || rules.length > 0) {
    out.push("---", "", `### ${SECTION.feedback}`);
    if (received.length > 0) {
      out.push("", `**${SECTION.received}**`);
      for (const r of received) out.push(`- ${r}`);
    }
    if (rules.length > 0) {
      out.push("", `**${SECTION.rules}**`);
      for (const r of rules) out.push(`- ${r.text}`);
    }
    out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
