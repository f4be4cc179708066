import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { layout, subscribeForm } from "../../templates/layout";
import { gpuPageAssets, gpuPanelMarkup } from "../gpu/panel-markup";
import { safeHref } from "../http-url";
import type { Issue, Item, Video } from "../issue";
import { fieldToHtml } from "./field-serializers";
import { discussionLabel, SECTION, talkFor, videoFacts, videoSections } from "./labels";

type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface IssueSummaryRow {
  date: string;
  title: string;
  summary: string;
}

export interface WebContext {
  siteUrl: string;
  /** Signed one-click feedback links per item id. */
  feedbackLinks?: Map<string, { up: string; down: string }>;
  /** Neighbouring issues for the page's navigation. */
  previous?: string;
  next?: string;
  /**
   * A subscriber's private issue: its pages live under `basePath` (`/r/<slug>/issues`), carry
   * `noindex`, link to the reader's own page, and show no sign-up form.
   */
  private?: { basePath: string; meUrl?: string; feedUrl: string };
  /**
   * The issue's content already rendered by `renderIssueContent` (stored once per issue, since an issue
   * never changes): the page wraps it instead of typesetting every formula again.
   */
  content?: string;
  /**
   * Leave a slot (`<!--votes:N-->`) where item N's vote links go instead of links: content stored
   * once for a private page, whose links are signed per request (`fillVoteSlots`).
   */
  voteSlots?: boolean;
}

/** Which GPU demonstration an item gets, from its topic tags. */
export function gpuKindOf(item: Item): "sinkhorn" | "attention" | undefined {
  if (item.tags.includes("attention")) return "attention";
  if (item.tags.includes("optimal-transport")) return "sinkhorn";
  return undefined;
}

/** A link when `url` is http(s), else just the text: the model checks URLs, the renderer checks again. */
function linked(url: string, text: string, rel?: string): Markup {
  const href = safeHref(url);
  if (!href) return html`${text}`;
  return rel ? html`<a href="${href}" rel="${rel}">${text}</a>` : html`<a href="${href}">${text}</a>`;
}

function field(label: string, md: string): Markup {
  return html`<div class="field"><strong>${label}:</strong> ${raw(fieldToHtml(md, { math: "katex" }))}</div>`;
}

function itemHtml(item: Item, index: number, ctx: WebContext): Markup {
  const votes = ctx.feedbackLinks?.get(item.candidateId);
  const gpu = gpuKindOf(item);
  return html`<article class="item" id="item-${index + 1}" data-item="${item.candidateId}">
<h2>${linked(item.url, item.title)}</h2>
<p class="meta"><strong>Domain:</strong> ${item.domain} | <strong>Time cost:</strong> ${item.timeCost}</p>
${field("Intuition", item.intuition)}
${field("Concrete punch", item.punch)}
${field("Significance", item.significance)}
${field("Why it matches", item.whyItMatches)}
${item.discussion ? html`<p class="field">${linked(item.discussion.url, discussionLabel(item.discussion))}</p>` : ""}
${gpu ? html`<div data-chrome>${raw(gpuPanelMarkup(gpu, item.candidateId))}</div>` : ""}
${votes ? votesHtml(votes) : ctx.voteSlots ? raw(`<!--votes:${index}-->`) : ""}
</article>`;
}

function votesHtml(votes: { up: string; down: string }): Markup {
  return html`<p class="votes" data-chrome>Was this a good pick? ${linked(votes.up, "👍 Yes", "nofollow")}${linked(votes.down, "👎 No", "nofollow")}</p>`;
}

/**
 * Stored content (rendered with `voteSlots`) with each item's vote links in its slot, or nothing
 * for an item without links. Field text cannot forge a slot: raw HTML in a field is escaped.
 */
export async function fillVoteSlots(
  content: string,
  issue: Issue,
  links: Map<string, { up: string; down: string }>,
): Promise<string> {
  const filled = new Map<number, string>();
  for (const [index, item] of issue.items.entries()) {
    const votes = links.get(item.candidateId);
    if (votes) filled.set(index, String(await votesHtml(votes)));
  }
  return content.replace(/<!--votes:(\d+)-->/g, (_, n: string) => filled.get(Number(n)) ?? "");
}

function videoHtml(issue: Issue, v: Video): Markup {
  const forPick = talkFor(issue, v);
  return html`<article class="video" data-item="${v.candidateId}">
<h2>${linked(v.url, v.title)}</h2>
<p class="meta">${videoFacts(v)}</p>
${forPick ? html`<p class="field">${forPick}</p>` : ""}
<p class="field">${v.reason}</p>
</article>`;
}

/** The content of an issue, shared by the page and anything else embedding it. */
export function issueContent(issue: Issue, ctx: WebContext): Markup {
  const { received, rules } = issue.feedback;
  return html`<div class="issue-content">
<h1>${issue.title}</h1>
<p class="summary">${issue.summary}</p>
<p class="count">${issue.countLine}</p>
${issue.items.map((item, i) => itemHtml(item, i, ctx))}
${videoSections(issue).map(({ heading, videos }) => html`<h3>${heading}</h3>${videos.map((v) => videoHtml(issue, v))}`)}
${issue.notes.length > 0 ? html`<h3>${SECTION.notes}</h3><ul>${issue.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ""}
${
  received.length > 0 || rules.length > 0
    ? html`<h3>${SECTION.feedback}</h3>
${received.length > 0 ? html`<p><strong>${SECTION.received}</strong></p><ul>${received.map((r) => html`<li>${r}</li>`)}</ul>` : ""}
${rules.length > 0 ? html`<p><strong>${SECTION.rules}</strong></p><ul>${rules.map((r) => html`<li>${r.text}</li>`)}</ul>` : ""}`
    : ""
}
</div>`;
}

/** The content region of an issue as HTML: the part worth rendering once and storing. */
export async function renderIssueContent(issue: Issue, ctx: WebContext): Promise<string> {
  return String(await issueContent(issue, ctx));
}

/** The public page of one issue: readable without JavaScript, math typeset server-side by KaTeX. */
export async function renderIssuePage(issue: Issue, ctx: WebContext): Promise<string> {
  const hasGpu = issue.items.some((i) => gpuKindOf(i) !== undefined);
  const base = ctx.private?.basePath ?? "/issues";
  const nav = html`<nav class="meta" data-chrome>${ctx.previous ? html`<a href="${base}/${ctx.previous}">← ${ctx.previous}</a> ` : ""}
<a href="${base}/${issue.date}.md">Markdown</a> · <a href="${base}/${issue.date}.json">JSON</a>
${ctx.next ? html` <a href="${base}/${ctx.next}">${ctx.next} →</a>` : ""}</nav>`;
  const own = ctx.private
    ? html`<p class="meta" data-chrome>Your own issue: this page is private to you.${
        ctx.private.meUrl ? html` <a href="${ctx.private.meUrl}">Your page</a> ·` : ""
      } <a href="${ctx.private.feedUrl}">Your Atom feed</a></p>`
    : subscribeForm();
  const page = layout({
    title: issue.title,
    description: issue.summary,
    siteUrl: ctx.siteUrl,
    path: `${base}/${issue.date}`,
    head: html`<link rel="stylesheet" href="/katex/katex.min.css">${hasGpu ? raw(gpuPageAssets()) : ""}`,
    body: html`${nav}${ctx.content !== undefined ? raw(ctx.content) : issueContent(issue, ctx)}${own}`,
    ...(ctx.private ? { noindex: true } : {}),
  });
  return String(await page);
}

/** The archive list; on `/` it follows the latest issue. */
export async function renderArchivePage(
  issues: IssueSummaryRow[],
  ctx: {
    siteUrl: string;
    latest?: Issue;
    feedbackLinks?: WebContext["feedbackLinks"];
    /** The latest issue's stored content (`renderIssueContent`), when there is one. */
    latestContent?: string;
  },
): Promise<string> {
  const list = html`<h3>All issues</h3>
<ul class="archive">${issues.map((i) => html`<li><span class="date">${i.date}</span><a href="/issues/${i.date}">${i.summary || i.title}</a></li>`)}</ul>`;
  const latest = ctx.latest;
  const body = latest
    ? html`${
        ctx.latestContent !== undefined
          ? raw(ctx.latestContent)
          : issueContent(latest, {
              siteUrl: ctx.siteUrl,
              ...(ctx.feedbackLinks ? { feedbackLinks: ctx.feedbackLinks } : {}),
            })
      }${subscribeForm()}${list}`
    : html`<h1>Daily Feed</h1><p>No issue yet: the first one appears after the next morning run.</p>${subscribeForm()}`;
  const hasGpu = latest?.items.some((i) => gpuKindOf(i) !== undefined) ?? false;
  const page = layout({
    title: latest ? `${latest.title} — Daily Feed` : "Daily Feed",
    description: latest?.summary ?? "A personalized research feed.",
    siteUrl: ctx.siteUrl,
    path: "/",
    head: html`<link rel="stylesheet" href="/katex/katex.min.css">${hasGpu ? raw(gpuPageAssets()) : ""}`,
    body,
  });
  return String(await page);
}
