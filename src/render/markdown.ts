import { safeHref } from "../http-url";
import type { Issue, Item, Video } from "../issue";
import { type Serializer, serializeField } from "./field-serializers";
import { discussionLabel, SECTION, talkFor, videoFacts, videoSections } from "./labels";

/**
 * A YAML double-quoted string (JSON is one) for the front matter. A viewer that does not know front
 * matter shows it as Markdown, so every character Markdown or HTML would act on is written as a
 * `\uXXXX` escape, which YAML (and JSON) read back as the character itself.
 */
function yamlString(s: string): string {
  return JSON.stringify(s).replace(
    /[<>&[\]()*_`!#|~$@:]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Text (a title, an author, a note) as Markdown that reads as exactly that text: every character a
 * Markdown renderer would act on is backslash-escaped — inline markers (`*`, `_`, backticks, `[`, `]`,
 * `<`, `>`, `|`, `~`, `$`, entity-like `&`, `@` inside an address that GFM would autolink) and
 * block markers at the start of a line (`#`, `-`, `+`, `=`, `1.`).
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/[\\`*_[\]<>|~$]/g, "\\$&")
    .replace(/&(?=#?\w+;)/g, "\\&")
    .replace(/(?<=\w)@(?=\w)/g, "\\@")
    .replace(/^([ \t]*)([#+=-]|\d+(?=[.)]))/gm, (_m, indent: string, marker: string) =>
      /^\d/.test(marker) ? `${indent}${marker}\\` : `${indent}\\${marker}`,
    );
}

/** A link destination that cannot end early or open a tag: the characters that could are percent-encoded. */
function destination(href: string): string {
  return href.replace(
    /[()<>\\"'`\s]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
}

/** `[text](url)` when the URL is http(s), else the text alone. `text` is already Markdown. */
function mdLink(text: string, url: string): string {
  const href = safeHref(url);
  return href ? `[${text}](${destination(href)})` : text;
}

/** A code span or fence delimiter longer than any run of backticks inside `code`. */
function fenceFor(code: string, min: number): string {
  const longest = Math.max(0, ...(code.match(/`+/g) ?? []).map((r) => r.length));
  return "`".repeat(Math.max(min, longest + 1));
}

/**
 * TeX stays TeX (Markdown viewers with math typeset it); a `<` gets a space after it so that a viewer
 * without math never reads `a<b` as the start of a tag (spaces do not matter in TeX math).
 */
function mathSource(tex: string): string {
  return tex.replace(/</g, "< ").replace(/\$/g, "\\$");
}

/**
 * Write-up fields are Markdown by design (emphasis, code, links, `$…$` math), so they are re-written
 * from the same tokens every other channel reads: text is escaped, raw HTML becomes text, and a link
 * survives only when it is http(s).
 */
const markdownSerializer: Serializer = {
  text: escapeMarkdown,
  strong: (inner) => `**${inner}**`,
  em: (inner) => `*${inner}*`,
  del: (inner) => `~~${inner}~~`,
  codespan: (code) => {
    const fence = fenceFor(code, 1);
    const pad = code.startsWith("`") || code.endsWith("`") ? " " : "";
    return `${fence}${pad}${code}${pad}${fence}`;
  },
  code: (code, lang) => {
    const fence = fenceFor(code, 3);
    return `${fence}${lang?.replace(/[^\w+-]/g, "") ?? ""}\n${code}\n${fence}`;
  },
  link: (inner, href) => mdLink(inner, href),
  math: (tex, display) => (display ? `$$${mathSource(tex)}$$` : `$${mathSource(tex)}$`),
  paragraph: (inner) => inner,
  list: (items, ordered, start) =>
    items.map((item, i) => `${ordered ? `${start + i}.` : "-"} ${item.replace(/\n/g, "\n   ")}`).join("\n"),
  blockquote: (inner) =>
    inner
      .split("\n")
      .map((l) => `> ${l}`)
      .join("\n"),
  br: () => "  \n",
  join: (blocks) => blocks.join("\n\n"),
};

/** A write-up field as safe Markdown (see `markdownSerializer`). */
export function fieldToMarkdown(md: string): string {
  return serializeField(md, markdownSerializer);
}

function itemMarkdown(item: Item): string {
  const e = escapeMarkdown;
  const lines = [
    `## ${mdLink(e(item.title), item.url)}`,
    `**Domain:** ${e(item.domain)} | **Time cost:** ${e(item.timeCost)}`,
    "",
    `**Intuition:** ${fieldToMarkdown(item.intuition)}`,
    "",
    `**Concrete punch:** ${fieldToMarkdown(item.punch)}`,
    "",
    `**Significance:** ${fieldToMarkdown(item.significance)}`,
    "",
    `**Why it matches:** ${fieldToMarkdown(item.whyItMatches)}`,
  ];
  if (item.discussion) lines.push("", mdLink(e(discussionLabel(item.discussion)), item.discussion.url));
  return lines.join("\n");
}

function videoMarkdown(issue: Issue, v: Video): string {
  const forPick = talkFor(issue, v);
  const e = escapeMarkdown;
  return [
    `### ${mdLink(e(v.title), v.url)}`,
    e(videoFacts(v)),
    ...(forPick ? [e(forPick)] : []),
    "",
    e(v.reason),
  ].join("\n");
}

/**
 * The issue as Markdown with YAML front matter, in the shape of `examples/issue-2026-02-13.md`.
 * Everything from outside is escaped (text) or re-written from its tokens (write-up fields), and
 * only http(s) links are emitted, so a title cannot become a heading, a link or an HTML tag.
 */
export function renderMarkdown(issue: Issue): string {
  const e = escapeMarkdown;
  const out: string[] = [
    "---",
    `title: ${yamlString(issue.title)}`,
    `date: ${issue.date}`,
    `summary: ${yamlString(issue.summary)}`,
    "---",
    "",
    e(issue.summary),
    "",
    e(issue.countLine),
    "",
  ];
  for (const item of issue.items) out.push("---", "", itemMarkdown(item), "");
  for (const { heading, videos } of videoSections(issue)) {
    out.push("---", "", `## ${heading}`, "");
    for (const v of videos) out.push(videoMarkdown(issue, v), "");
  }
  if (issue.notes.length > 0) {
    out.push("---", "", `### ${SECTION.notes}`);
    for (const n of issue.notes) out.push(`- ${e(n)}`);
    out.push("");
  }
  const { received, rules } = issue.feedback;
  if (received.length > 0 || rules.length > 0) {
    out.push("---", "", `### ${SECTION.feedback}`);
    if (received.length > 0) {
      out.push("", `**${SECTION.received}**`);
      for (const r of received) out.push(`- ${e(r)}`);
    }
    if (rules.length > 0) {
      out.push("", `**${SECTION.rules}**`);
      for (const r of rules) out.push(`- ${e(r.text)}`);
    }
    out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
