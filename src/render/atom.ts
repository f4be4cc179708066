import { safeHref } from "../http-url";
import type { Issue } from "../issue";
import { renderMarkdown } from "./markdown";

function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A `<link>` element, or nothing when `href` is not http(s) (checked again, like every renderer does). */
function linkElement(rel: string, type: string, href: string): string {
  const safe = safeHref(href);
  return safe ? `<link rel="${rel}" type="${type}" href="${xmlEscape(safe)}"/>` : "";
}

/**
 * An Atom 1.0 feed (RFC 4287) of the newest issues. Entry ids are the stable archive URLs, so
 * feed readers never show an issue twice.
 */
export function renderAtom(issues: Issue[], siteUrl: string, now: Date): string {
  const updated = issues[0]?.generatedAt ?? now.toISOString();
  const entries = issues.map((issue) => {
    const url = `${siteUrl}/issues/${issue.date}`;
    return `  <entry>
    <title>${xmlEscape(issue.title)}</title>
    <id>${xmlEscape(url)}</id>
    ${linkElement("alternate", "text/html", url)}
    ${linkElement("alternate", "text/markdown", `${url}.md`)}
    <published>${xmlEscape(`${issue.date}T00:00:00Z`)}</published>
    <updated>${xmlEscape(issue.generatedAt)}</updated>
    <summary>${xmlEscape(`${issue.countLine}: ${issue.summary}`)}</summary>
    <content type="text">${xmlEscape(renderMarkdown(issue))}</content>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Daily Feed</title>
  <subtitle>Research picks, every morning.</subtitle>
  <id>${xmlEscape(`${siteUrl}/`)}</id>
  ${linkElement("self", "application/atom+xml", `${siteUrl}/feed.xml`)}
  ${linkElement("alternate", "text/html", `${siteUrl}/`)}
  <updated>${xmlEscape(updated)}</updated>
  <author><name>Daily Feed</name></author>
${entries.join("\n")}
</feed>
`;
}
