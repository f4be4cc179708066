/**
 * The issue as an email: an HTML part that renders in common mail clients (tables, inline CSS, no
 * script, Unicode math instead of KaTeX) and a plain-text part with the same text. Both follow the
 * section order of the web page and the Markdown, and every write-up field goes through
 * `src/render/field-serializers.ts`, so the words are the same in every channel.
 */
import { safeHref } from "../http-url";
import type { Issue, Item, Video } from "../issue";
import { escapeHtml } from "./escape";
import { fieldToHtml, fieldToPlain } from "./field-serializers";
import { discussionLabel, SECTION, talkFor, videoFacts, videoSections } from "./labels";

/** Per-item one-click feedback links, keyed by the item's candidate id. */
export type FeedbackLinks = Map<string, { up: string; down: string }>;

export interface EmailContext {
  siteUrl: string;
  /** The recipient's signed unsubscribe link (also in the List-Unsubscribe header). */
  unsubscribeUrl: string;
  feedbackLinks: FeedbackLinks;
  /** Optional: the free-text feedback form and the standing-rules page of this reader. */
  noteUrl?: string;
  rulesUrl?: string;
  /** The issue's web page; a subscriber's is private (default: the public archive's page). */
  webUrl?: string;
  /** The reader's own page (`/me/<signed token>`). */
  meUrl?: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const COLOR = { fg: "#1b1b1f", muted: "#5d5d6a", accent: "#2b59c3", card: "#f4f3ef", rule: "#deddd6" };

const STYLE = {
  h1: `margin:0 0 6px;font-size:24px;line-height:1.25;color:${COLOR.fg}`,
  summary: `margin:0 0 8px;font-size:14px;color:${COLOR.muted}`,
  count: "margin:0 0 16px;font-weight:bold",
  card: `background:${COLOR.card};border-radius:8px;padding:14px 16px;margin:16px 0`,
  h2: `margin:0 0 6px;font-size:19px;line-height:1.3`,
  link: `color:${COLOR.accent}`,
  meta: `margin:0 0 10px;font-size:14px;color:${COLOR.muted}`,
  field: "margin:8px 0",
  h3: "margin:24px 0 8px;font-size:17px",
  votes: "margin:12px 0 0;font-size:14px",
  vote: `display:inline-block;margin-right:8px;padding:3px 12px;border:1px solid ${COLOR.rule};border-radius:999px;text-decoration:none;color:${COLOR.fg}`,
  footer: `margin-top:28px;padding-top:12px;border-top:1px solid ${COLOR.rule};font-size:13px;color:${COLOR.muted}`,
} as const;

/**
 * Mail clients drop `<style>` blocks and classes unevenly, so the few tags a write-up field can
 * produce get their look inline.
 */
function inlineFieldStyles(html: string): string {
  return html
    .replace(/<p>/g, '<p style="margin:8px 0">')
    .replace(
      /<pre>/g,
      '<pre style="margin:8px 0;padding:8px 10px;background:#f6f8fa;border-radius:4px;font-size:13px;line-height:1.4;white-space:pre-wrap;word-break:break-word">',
    )
    .replace(/<code>/g, '<code style="font-family:Menlo,Consolas,monospace;font-size:0.9em">')
    .replace(
      /<blockquote>/g,
      `<blockquote style="margin:8px 0;padding-left:10px;border-left:3px solid ${COLOR.rule}">`,
    )
    .replace(/<a href=/g, `<a style="${STYLE.link}" href=`);
}

/** "Label: field" with the label inside the field's first paragraph, so it reads as one line. */
function fieldBlock(label: string, md: string): string {
  const body = inlineFieldStyles(fieldToHtml(md, { math: "unicode" }));
  const strong = `<strong>${escapeHtml(label)}:</strong> `;
  const inner = body.startsWith('<p style="margin:8px 0">')
    ? body.replace('<p style="margin:8px 0">', `<p style="margin:0">${strong}`)
    : `<p style="margin:0">${strong}</p>${body}`;
  return `<div class="field" style="${STYLE.field}">${inner}</div>`;
}

/** A link when `href` is http(s) (checked again here, whatever the model said), else the bare text. */
function a(href: string, text: string, style: string = STYLE.link): string {
  const safe = safeHref(href);
  if (!safe) return escapeHtml(text);
  return `<a href="${escapeHtml(safe)}" style="${style}">${escapeHtml(text)}</a>`;
}

/** "text (url)" for the plain-text part, or the text alone when the URL is not http(s). */
function textLink(text: string, url: string): string {
  const safe = safeHref(url);
  return safe ? `${text} (${safe})` : text;
}

function itemHtml(item: Item, links: FeedbackLinks): string {
  const votes = links.get(item.candidateId);
  return `<div class="item" style="${STYLE.card}">
<h2 style="${STYLE.h2}">${a(item.url, item.title)}</h2>
<p style="${STYLE.meta}"><strong>Domain:</strong> ${escapeHtml(item.domain)} | <strong>Time cost:</strong> ${escapeHtml(item.timeCost)}</p>
${fieldBlock("Intuition", item.intuition)}
${fieldBlock("Concrete punch", item.punch)}
${fieldBlock("Significance", item.significance)}
${fieldBlock("Why it matches", item.whyItMatches)}
${item.discussion ? `<p style="${STYLE.field}">${a(item.discussion.url, discussionLabel(item.discussion))}</p>` : ""}
${
  votes
    ? `<p style="${STYLE.votes}" data-chrome>Was this a good pick? ${a(votes.up, "👍 Yes", STYLE.vote)}${a(votes.down, "👎 No", STYLE.vote)}</p>`
    : ""
}
</div>`;
}

function videoHtml(issue: Issue, v: Video): string {
  const forPick = talkFor(issue, v);
  return `<div class="video" style="${STYLE.card}">
<h2 style="${STYLE.h2}">${a(v.url, v.title)}</h2>
<p style="${STYLE.meta}">${escapeHtml(videoFacts(v))}</p>
${forPick ? `<p style="${STYLE.field}">${escapeHtml(forPick)}</p>` : ""}
<p style="${STYLE.field}">${escapeHtml(v.reason)}</p>
</div>`;
}

function listHtml(entries: string[]): string {
  return `<ul style="margin:6px 0;padding-left:20px">${entries.map((e) => `<li style="margin:4px 0">${escapeHtml(e)}</li>`).join("")}</ul>`;
}

/** The issue's content region (`.issue-content`, as on the web page); chrome is marked `data-chrome`. */
function contentHtml(issue: Issue, ctx: EmailContext): string {
  const { received, rules } = issue.feedback;
  const parts = [
    `<h1 style="${STYLE.h1}">${escapeHtml(issue.title)}</h1>`,
    `<p style="${STYLE.summary}">${escapeHtml(issue.summary)}</p>`,
    `<p style="${STYLE.count}">${escapeHtml(issue.countLine)}</p>`,
    ...issue.items.map((item) => itemHtml(item, ctx.feedbackLinks)),
  ];
  for (const { heading, videos } of videoSections(issue)) {
    parts.push(`<h3 style="${STYLE.h3}">${heading}</h3>`, ...videos.map((v) => videoHtml(issue, v)));
  }
  if (issue.notes.length > 0)
    parts.push(`<h3 style="${STYLE.h3}">${SECTION.notes}</h3>`, listHtml(issue.notes));
  if (received.length > 0 || rules.length > 0) {
    parts.push(`<h3 style="${STYLE.h3}">${SECTION.feedback}</h3>`);
    if (received.length > 0)
      parts.push(`<p style="margin:8px 0 0"><strong>${SECTION.received}</strong></p>`, listHtml(received));
    if (rules.length > 0) {
      parts.push(
        `<p style="margin:8px 0 0"><strong>${SECTION.rules}</strong></p>`,
        listHtml(rules.map((r) => r.text)),
      );
    }
  }
  return `<div class="issue-content">\n${parts.join("\n")}\n</div>`;
}

/** The shell every mail shares: a centered 640px column, inline styles, a preheader, a footer. */
function emailShell(o: { title: string; preheader: string; body: string; footer: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(o.title)}</title>
</head>
<body style="margin:0;padding:0;background:#eceae4">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all" data-chrome>${escapeHtml(o.preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#eceae4">
<tr><td align="center" style="padding:16px 8px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:640px;background:#ffffff;border-radius:10px">
<tr><td style="padding:24px 20px;font-family:${FONT};font-size:16px;line-height:1.55;color:${COLOR.fg};word-break:break-word">
${o.body}
<div style="${STYLE.footer}" data-chrome>${o.footer}</div>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>`;
}

function issueUrl(siteUrl: string, date: string): string {
  return `${siteUrl}/issues/${date}`;
}

// --- plain text ---

const RULE = "-".repeat(60);

function labelled(label: string, md: string): string {
  return `${label}: ${fieldToPlain(md)}`;
}

function itemText(item: Item, links: FeedbackLinks): string {
  const lines = [
    textLink(item.title, item.url),
    `Domain: ${item.domain} | Time cost: ${item.timeCost}`,
    "",
    labelled("Intuition", item.intuition),
    "",
    labelled("Concrete punch", item.punch),
    "",
    labelled("Significance", item.significance),
    "",
    labelled("Why it matches", item.whyItMatches),
  ];
  if (item.discussion) lines.push("", textLink(discussionLabel(item.discussion), item.discussion.url));
  const votes = links.get(item.candidateId);
  const up = safeHref(votes?.up);
  const down = safeHref(votes?.down);
  if (up && down) lines.push("", `Good pick? Yes: ${up}`, `Not for me: ${down}`);
  return lines.join("\n");
}

function videoText(issue: Issue, v: Video): string {
  const forPick = talkFor(issue, v);
  return [textLink(v.title, v.url), videoFacts(v), ...(forPick ? [forPick] : []), "", v.reason].join("\n");
}

function textBody(issue: Issue, ctx: EmailContext): string {
  const out: string[] = [
    issue.title,
    "=".repeat(issue.title.length),
    "",
    issue.summary,
    "",
    issue.countLine,
    "",
  ];
  for (const item of issue.items) out.push(RULE, "", itemText(item, ctx.feedbackLinks), "");
  for (const { heading, videos } of videoSections(issue)) {
    out.push(RULE, "", heading, "");
    for (const v of videos) out.push(videoText(issue, v), "");
  }
  if (issue.notes.length > 0) {
    out.push(RULE, "", SECTION.notes);
    for (const n of issue.notes) out.push(`- ${n}`);
    out.push("");
  }
  const { received, rules } = issue.feedback;
  if (received.length > 0 || rules.length > 0) {
    out.push(RULE, "", SECTION.feedback);
    if (received.length > 0) out.push("", SECTION.received, ...received.map((r) => `- ${r}`));
    if (rules.length > 0) out.push("", SECTION.rules, ...rules.map((r) => `- ${r.text}`));
    out.push("");
  }
  return out.join("\n").trimEnd();
}

/**
 * The issue as a multipart email. The plain-text part ends with an RFC 3676 signature ("-- ")
 * holding the web link and the unsubscribe link; the HTML part marks its chrome `data-chrome`.
 */
export function renderEmail(issue: Issue, ctx: EmailContext): RenderedEmail {
  const webUrl = ctx.webUrl ?? issueUrl(ctx.siteUrl, issue.date);
  const feedbackHtml = [
    ...(ctx.noteUrl ? [a(ctx.noteUrl, "Send a note to the editor")] : []),
    ...(ctx.rulesUrl ? [a(ctx.rulesUrl, "Your standing rules")] : []),
    ...(ctx.meUrl ? [a(ctx.meUrl, "Your page: interests, feedback, pause, export, delete")] : []),
  ].join(" · ");
  const footerHtml = `${feedbackHtml ? `${feedbackHtml}<br>` : ""}You get this because you subscribed to Daily Feed.<br>
${a(webUrl, "Read on the web")} · ${a(`${ctx.siteUrl}/issues`, "Archive")} · ${a(ctx.unsubscribeUrl, "Unsubscribe")}`;
  const html = emailShell({
    title: issue.title,
    preheader: issue.countLine,
    body: contentHtml(issue, ctx),
    footer: footerHtml,
  });
  // The footer's links are ours, but they are checked like any other before they reach a mail client.
  const footerLine = (label: string, url: string | undefined) => {
    const safe = safeHref(url);
    return safe ? `${label}: ${safe}\n` : "";
  };
  const text = `${textBody(issue, ctx)}

-- 
${footerLine("Send a note to the editor", ctx.noteUrl)}${footerLine("Your standing rules", ctx.rulesUrl)}${footerLine("Your page (interests, feedback, pause, export, delete)", ctx.meUrl)}You get this because you subscribed to Daily Feed.
${footerLine("Read on the web", webUrl)}${footerLine("Unsubscribe", ctx.unsubscribeUrl)}`;
  return { subject: issue.title, html, text };
}

/** The double opt-in mail: one link that confirms, and what happens if it is ignored. */
export function renderConfirmationEmail(ctx: {
  siteUrl: string;
  confirmUrl: string;
  email: string;
}): RenderedEmail {
  const subject = "Confirm your Daily Feed subscription";
  const intro = `Someone (hopefully you) asked to send Daily Feed to ${ctx.email}.`;
  const ignore = "If that was not you, ignore this mail: nothing will be sent without a confirmation.";
  const html = emailShell({
    title: subject,
    preheader: "One click to start receiving Daily Feed.",
    body: `<h1 style="${STYLE.h1}">Confirm your subscription</h1>
<p style="margin:12px 0">${escapeHtml(intro)}</p>
<p style="margin:20px 0">${a(ctx.confirmUrl, "Confirm subscription", `display:inline-block;padding:10px 18px;background:${COLOR.accent};color:#ffffff;border-radius:6px;text-decoration:none;font-weight:bold`)}</p>
<p style="margin:12px 0;font-size:14px;color:${COLOR.muted}">Or paste this link into your browser: ${escapeHtml(ctx.confirmUrl)}</p>
<p style="margin:12px 0;font-size:14px;color:${COLOR.muted}">${escapeHtml(ignore)}</p>`,
    footer: `Daily Feed — research picks, every morning. ${a(ctx.siteUrl, ctx.siteUrl)}`,
  });
  const text = `Confirm your Daily Feed subscription

${intro}

Confirm: ${ctx.confirmUrl}

${ignore}

-- 
Daily Feed — ${ctx.siteUrl}
`;
  return { subject, html, text };
}
