import { html } from "hono/html";
import { getIssue, latestIssue, listIssues, recentIssues } from "../../d1/issues";
import { IssueDate } from "../../src/issue";
import { renderAtom } from "../../src/render/atom";
import { renderMarkdown } from "../../src/render/markdown";
import { renderArchivePage, renderIssuePage } from "../../src/render/web";
import { errorResponse } from "../errors";
import { factory } from "../factory";

/**
 * The public archive: HTML pages, Markdown, canonical JSON and the Atom feed of the public reader.
 * Only the editor steers the public reader, so its pages carry no vote, note or rule links for
 * visitors; they carry the sign-up form instead.
 */
export const archiveRoutes = factory.createApp();

const SLUG = /^(?<date>[^.]+)(?:\.(?<ext>md|json))?$/;

archiveRoutes.get("/", async (c) => {
  const cfg = c.var.config;
  const [latest, list] = await Promise.all([
    latestIssue(c.env.DB, cfg.site.publicReader),
    listIssues(c.env.DB, cfg.site.publicReader, 60),
  ]);
  return c.html(
    await renderArchivePage(list, {
      siteUrl: cfg.site.url,
      ...(latest ? { latest } : {}),
    }),
  );
});

archiveRoutes.get("/issues", async (c) => {
  const cfg = c.var.config;
  const list = await listIssues(c.env.DB, cfg.site.publicReader, 366);
  return c.html(await renderArchivePage(list, { siteUrl: cfg.site.url }));
});

archiveRoutes.get("/issues/:slug", async (c) => {
  const cfg = c.var.config;
  const match = SLUG.exec(c.req.param("slug"));
  const ext = match?.groups?.ext;
  // The HTML form answers with a page; .md and .json with the JSON error shape.
  const asPage = (heading: string, message: string) =>
    ext === undefined
      ? {
          page: {
            heading,
            body: html`<p>${message}</p><p><a href="/issues">Browse the archive</a></p>`,
          },
        }
      : {};
  const date = IssueDate.safeParse(match?.groups?.date);
  if (!date.success) {
    const message = `“${c.req.param("slug")}” is not an issue date: use /issues/YYYY-MM-DD (optionally .md or .json).`;
    return errorResponse(c, "bad_request", message, asPage("Malformed date", message));
  }
  const issue = await getIssue(c.env.DB, cfg.site.publicReader, date.data);
  if (!issue) {
    const message = `There is no issue for ${date.data}.`;
    return errorResponse(c, "not_found", message, asPage("No issue that day", message));
  }
  c.header("cache-control", "public, max-age=300");
  if (ext === "json") return c.json(issue);
  if (ext === "md")
    return c.body(renderMarkdown(issue), 200, { "content-type": "text/markdown; charset=utf-8" });
  const all = await listIssues(c.env.DB, cfg.site.publicReader, 366);
  const index = all.findIndex((i) => i.date === issue.date);
  const previous = all[index + 1]?.date;
  const next = index > 0 ? all[index - 1]?.date : undefined;
  return c.html(
    await renderIssuePage(issue, {
      siteUrl: cfg.site.url,
      ...(previous ? { previous } : {}),
      ...(next ? { next } : {}),
    }),
  );
});

archiveRoutes.get("/feed.xml", async (c) => {
  const cfg = c.var.config;
  const issues = await recentIssues(c.env.DB, cfg.site.publicReader, 20);
  return c.body(renderAtom(issues, cfg.site.url, new Date()), 200, {
    "content-type": "application/atom+xml; charset=utf-8",
  });
});
