/**
 * "Both delivery channels must push identical content": the web page, the Markdown, the email (HTML
 * and text parts) and the Telegram messages of one issue carry the same text, differing only in
 * formatting. Each rendering's content is extracted (the `.issue-content` region without its
 * `data-chrome` parts for HTML; the body before the "-- " signature for plain text; the front
 * matter's title plus the body for Markdown; all messages for Telegram), normalized with
 * `normalizeForParity` (markup, link syntax, math notation, whitespace), and compared whole.
 */
import { describe, expect, it } from "vitest";
import { Issue } from "../../src/issue";
import { renderEmail } from "../../src/render/email";
import { renderMarkdown } from "../../src/render/markdown";
import { normalizeForParity } from "../../src/render/parity";
import { renderTelegram } from "../../src/render/telegram";
import { renderIssuePage } from "../../src/render/web";
import example from "../fixtures/issue-2026-02-13.json";

const siteUrl = "https://feed.example";

/** The element that starts at `start` (an opening tag), through its matching closing tag. */
function elementEnd(html: string, start: number, tag: string): number {
  const re = new RegExp(`<(/?)${tag}\\b[^>]*>`, "gi");
  re.lastIndex = start;
  let depth = 0;
  for (let m = re.exec(html); m !== null; m = re.exec(html)) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) return re.lastIndex;
  }
  throw new Error(`unclosed <${tag}> at ${start}`);
}

/** The `.issue-content` region of a page or mail, with every `data-chrome` element removed. */
function contentOfHtml(html: string): string {
  const start = html.search(/<div class="issue-content"/);
  if (start < 0) throw new Error("no .issue-content region");
  let region = html.slice(start, elementEnd(html, start, "div"));
  for (;;) {
    const chrome = /<([a-z][a-z0-9]*)\b[^>]*\bdata-chrome\b[^>]*>/i.exec(region);
    if (!chrome?.[1]) break;
    region = region.slice(0, chrome.index) + region.slice(elementEnd(region, chrome.index, chrome[1]));
  }
  // A block boundary reads as a line break, whatever whitespace the markup has around it.
  return region.replace(
    /<\/?(?:h[1-6]|p|div|ul|ol|li|article|section|pre|blockquote|table|tr|td)\b[^>]*>/gi,
    "\n$&\n",
  );
}

/** Horizontal rules and title underlines are layout, in every channel. */
function dropRules(text: string): string {
  return text.replace(/^[ \t]*[-=_*─]{3,}[ \t]*$/gm, "");
}

/** The Markdown's title (front matter) and body, with heading markers dropped outside code fences. */
function contentOfMarkdown(md: string): string {
  const fm = /^---\n([\s\S]*?)\n---\n/.exec(md);
  const title = fm ? JSON.parse(/^title: (.*)$/m.exec(fm[1] ?? "")?.[1] ?? '""') : "";
  const body = fm ? md.slice(fm[0].length) : md;
  let inFence = false;
  const lines = body.split("\n").map((line) => {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    return inFence ? line : line.replace(/^#{1,6}\s+/, "");
  });
  return `${title}\n${dropRules(lines.join("\n"))}`;
}

/** The text part before its "-- " signature, without the lines that carry feedback links. */
function contentOfText(text: string, chromeUrls: string[]): string {
  const body = text.split("\n-- \n")[0] ?? "";
  return dropRules(
    body
      .split("\n")
      .filter((line) => !chromeUrls.some((u) => line.includes(u)))
      .join("\n"),
  );
}

/** Where two strings first differ, with context, for a readable failure. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i === a.length && i === b.length
    ? ""
    : `at ${i}:\n  …${a.slice(i - 60, i + 60)}…\n  …${b.slice(i - 60, i + 60)}…`;
}

async function renderings(issue: Issue): Promise<Record<string, string>> {
  const feedbackLinks = new Map(
    issue.items.map((item, n) => [
      item.candidateId,
      { up: `${siteUrl}/feedback/up-${n}`, down: `${siteUrl}/feedback/down-${n}` },
    ]),
  );
  const chromeUrls = [...feedbackLinks.values()].flatMap((l) => [l.up, l.down]);
  const email = renderEmail(issue, { siteUrl, unsubscribeUrl: `${siteUrl}/unsubscribe/t`, feedbackLinks });
  const page = await renderIssuePage(issue, { siteUrl, feedbackLinks });
  return {
    web: normalizeForParity(contentOfHtml(page)),
    markdown: normalizeForParity(contentOfMarkdown(renderMarkdown(issue))),
    "email html": normalizeForParity(contentOfHtml(email.html)),
    "email text": normalizeForParity(contentOfText(email.text, chromeUrls)),
    telegram: normalizeForParity(
      renderTelegram(issue, { siteUrl })
        .map((m) => m.text)
        .join("\n\n"),
    ),
  };
}

describe("one issue, identical text in every channel", () => {
  const issues: [string, Issue][] = [
    ["the 2026-02-13 example issue", Issue.parse(example)],
    [
      "an issue with an author talk, a discussion and text that needs escaping",
      Issue.parse({
        ...example,
        items: example.items.map((item, i) =>
          i === 1
            ? {
                ...item,
                title: `${item.title} <& "quoted">`,
                discussion: {
                  title: "Show HN: crypto LOB",
                  url: "https://news.ycombinator.com/item?id=1",
                  points: 12,
                },
              }
            : item,
        ),
        videos: [
          ...example.videos,
          {
            candidateId: "youtube:abc",
            title: "Author talk: FlashSinkhorn",
            url: "https://www.youtube.com/watch?v=abc",
            source: "Author channel",
            durationSeconds: 1800,
            published: "2025-10-01",
            reason: "The first author walks through the tiling <and> the fused kernel.",
            kind: "author-talk",
            forItem: "arxiv:2602.03067",
          },
        ],
      }),
    ],
  ];

  for (const [name, issue] of issues) {
    it(`renders ${name} with the same text on the web, in Markdown, email (HTML and text) and Telegram`, async () => {
      const texts = await renderings(issue);
      const reference = texts.web ?? "";
      // Every field of every pick is there (the comparison below is not between empty strings).
      for (const item of issue.items) {
        expect(reference).toContain(normalizeForParity(item.title));
        expect(reference).toContain(normalizeForParity(item.whyItMatches));
      }
      for (const [channel, text] of Object.entries(texts)) {
        expect(firstDifference(reference, text), `web vs ${channel}`).toBe("");
      }
    });
  }

  it("notices when a channel drops content", async () => {
    const issue = Issue.parse(example);
    const texts = await renderings(issue);
    const withoutVideos = normalizeForParity(
      renderTelegram({ ...issue, videos: [] }, { siteUrl })
        .map((m) => m.text)
        .join("\n\n"),
    );
    expect(withoutVideos).not.toBe(texts.web);
  });
});
