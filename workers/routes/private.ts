/**
 * A subscriber's private issues, under the random feed slug of its reader (`/r/<slug>/…`): the
 * list, each issue as HTML, Markdown or JSON, and an Atom feed. None of it is linked from a public
 * page or listed anywhere; every answer says `noindex` (header and meta) and is not cached by
 * shared caches. An issue's typeset content is rendered once and stored (`stored-issue.ts`), and
 * issues and the feed carry a strong ETag (304 when the reader's browser has them). An unknown slug is a plain 404 that does not tell whether a reader exists.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import { getIssue, listIssues, recentIssues } from "../../d1/issues";
import { readerBySlug } from "../../d1/readers";
import { utcDate } from "../../src/clock";
import { feedbackLink, privateFeedUrl } from "../../src/feedback-links";
import type { Issue } from "../../src/issue";
import { IssueDate } from "../../src/issue";
import { renderAtom } from "../../src/render/atom";
import { renderMarkdown } from "../../src/render/markdown";
import { fillVoteSlots, renderIssuePage } from "../../src/render/web";
import { layout } from "../../templates/layout";
import { PRIVATE, serveConditional } from "../archive-cache";
import type { AppEnv } from "../config";
import { errorResponse } from "../errors";
import { factory } from "../factory";
import { storedContent } from "../stored-issue";

export const privateRoutes = factory.createApp();

type Ctx = Context<AppEnv>;

const SLUG = /^(?<date>[^.]+)(?:\.(?<ext>md|json))?$/;
const FEED_SLUG = /^[0-9a-f]{32}$/;

privateRoutes.use("/r/*", async (c, next) => {
  await next();
  c.header("x-robots-tag", "noindex, nofollow");
  // Issue pages and the feed say `private, no-cache` with an ETag; anything else is not kept at all.
  if (!c.res.headers.has("cache-control")) c.header("cache-control", "private, no-store");
  c.header("referrer-policy", "no-referrer");
});

async function readerOf(c: Ctx) {
  const slug = c.req.param("slug") ?? "";
  return FEED_SLUG.test(slug) ? readerBySlug(c.env.DB, slug) : null;
}

/** The same answer for an unknown slug and an unknown date: nothing tells whether a reader exists. */
function notFound(c: Ctx) {
  return errorResponse(c, "not_found", "there is nothing here", {
    page: { heading: "Not found", body: html`<p>There is nothing here.</p>` },
  });
}

/** The reader's own one-click votes on its own issue page. */
async function votesFor(c: Ctx, issue: Issue): Promise<Map<string, { up: string; down: string }>> {
  const links = new Map<string, { up: string; down: string }>();
  const secret = c.var.config.tokens?.secret;
  if (!secret) return links;
  const siteUrl = c.var.config.site.url;
  // Signed as of the start of the UTC day, so the page's bytes (and ETag) hold all day and a 304
  // can answer; a link still lasts at least FEEDBACK_TTL_S less one day.
  const now = new Date(`${utcDate(new Date())}T00:00:00Z`);
  for (const item of issue.items) {
    const [up, down] = await Promise.all(
      (["up", "down"] as const).map((v) =>
        feedbackLink(secret, siteUrl, issue.readerId, issue.date, item.candidateId, v, now),
      ),
    );
    if (up && down) links.set(item.candidateId, { up, down });
  }
  return links;
}

privateRoutes.get("/r/:slug", async (c) => {
  const reader = await readerOf(c);
  if (!reader) return notFound(c);
  const siteUrl = c.var.config.site.url;
  const list = await listIssues(c.env.DB, reader.id, 366);
  const base = `/r/${reader.feedSlug}`;
  const page = layout({
    title: "Your issues — Daily Feed",
    description: "Your own Daily Feed issues.",
    siteUrl: siteUrl,
    path: base,
    noindex: true,
    body: html`<h1>Your issues</h1>
<p>Private to you: picked for your interests. <a href="${base}/feed.xml">Atom feed</a> (keep its address to yourself).</p>
${
  list.length === 0
    ? html`<p>No issue yet: the first one comes with the next morning run.</p>`
    : html`<ul class="archive">${list.map((i) => html`<li><span class="date">${i.date}</span><a href="${base}/issues/${i.date}">${i.summary || i.title}</a></li>`)}</ul>`
}`,
  });
  return c.html(String(await page));
});

privateRoutes.get("/r/:slug/feed.xml", async (c) => {
  const reader = await readerOf(c);
  if (!reader?.feedSlug) return notFound(c);
  const siteUrl = c.var.config.site.url;
  const issues = await recentIssues(c.env.DB, reader.id, 20);
  return serveConditional(c, {
    body: renderAtom(issues, `${siteUrl}/r/${reader.feedSlug}`, new Date()),
    contentType: "application/atom+xml; charset=utf-8",
    cacheControl: PRIVATE,
  });
});

privateRoutes.get("/r/:slug/issues/:file", async (c) => {
  const reader = await readerOf(c);
  if (!reader?.feedSlug) return notFound(c);
  const siteUrl = c.var.config.site.url;
  const match = SLUG.exec(c.req.param("file"));
  const ext = match?.groups?.ext;
  const date = IssueDate.safeParse(match?.groups?.date);
  const issue = date.success ? await getIssue(c.env.DB, reader.id, date.data) : null;
  if (!issue) {
    return notFound(c);
  }
  if (ext === "json")
    return serveConditional(c, {
      body: JSON.stringify(issue),
      contentType: "application/json",
      cacheControl: PRIVATE,
    });
  if (ext === "md")
    return serveConditional(c, {
      body: renderMarkdown(issue),
      contentType: "text/markdown; charset=utf-8",
      cacheControl: PRIVATE,
    });
  const base = `/r/${reader.feedSlug}/issues`;
  const all = await listIssues(c.env.DB, reader.id, 366);
  const index = all.findIndex((i) => i.date === issue.date);
  const previous = all[index + 1]?.date;
  const next = index > 0 ? all[index - 1]?.date : undefined;
  // The typeset content comes from the render-once store; only the vote links are signed here.
  const stored = await storedContent(c.env, c.var.config, issue, { voteSlots: true });
  const body = await renderIssuePage(issue, {
    siteUrl: siteUrl,
    content: await fillVoteSlots(stored, issue, await votesFor(c, issue)),
    private: { basePath: base, feedUrl: privateFeedUrl(siteUrl, reader.feedSlug) },
    ...(previous ? { previous } : {}),
    ...(next ? { next } : {}),
  });
  return serveConditional(c, { body, contentType: "text/html; charset=utf-8", cacheControl: PRIVATE });
});
