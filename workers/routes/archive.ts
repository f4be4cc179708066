import { html } from "hono/html";
import { archiveVersion, getIssue, latestIssue, listIssues, recentIssues } from "../../d1/issues";
import type { Config } from "../../src/config";
import { IssueDate } from "../../src/issue";
import { renderAtom } from "../../src/render/atom";
import { renderMarkdown } from "../../src/render/markdown";
import { renderArchivePage, renderIssuePage } from "../../src/render/web";
import { archiveVersionCached, FRESH, IMMUTABLE, SETTLED, serveCached } from "../archive-cache";
import type { Bindings } from "../config";
import { errorResponse } from "../errors";
import { factory } from "../factory";
import { storedContent } from "../stored-issue";

/**
 * The public archive: HTML pages, Markdown, canonical JSON and the Atom feed of the public reader.
 * Only the editor steers the public reader, so its pages carry no vote, note or rule links for
 * visitors; they carry the sign-up form instead. Every answer is cached (see `archive-cache.ts`).
 */
export const archiveRoutes = factory.createApp();

const SLUG = /^(?<date>[^.]+)(?:\.(?<ext>md|json))?$/;

const HTML = "text/html; charset=utf-8";

/** The public archive's version (see `archiveVersionCached`), the key of every cached response. */
function versionOf(env: Bindings, cfg: Config): Promise<string> {
  return archiveVersionCached(cfg.site.publicReader, cfg.site.archiveCacheSeconds, () =>
    archiveVersion(env.DB, cfg.site.publicReader),
  );
}

archiveRoutes.get("/", async (c) => {
  const cfg = c.var.config;
  const version = await versionOf(c.env, cfg);
  return serveCached(c, `/|${version}`, async () => {
    const [latest, list] = await Promise.all([
      latestIssue(c.env.DB, cfg.site.publicReader),
      listIssues(c.env.DB, cfg.site.publicReader, 60),
    ]);
    const latestContent = latest ? await storedContent(c.env, cfg, latest) : undefined;
    const body = await renderArchivePage(list, {
      siteUrl: cfg.site.url,
      ...(latest ? { latest } : {}),
      ...(latestContent !== undefined ? { latestContent } : {}),
    });
    return { body, contentType: HTML, cacheControl: FRESH };
  });
});

archiveRoutes.get("/issues", async (c) => {
  const cfg = c.var.config;
  const version = await versionOf(c.env, cfg);
  return serveCached(c, `/issues|${version}`, async () => {
    const list = await listIssues(c.env.DB, cfg.site.publicReader, 366);
    return {
      body: await renderArchivePage(list, { siteUrl: cfg.site.url }),
      contentType: HTML,
      cacheControl: FRESH,
    };
  });
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
  const version = await versionOf(c.env, cfg);
  // Errors (no issue that day) are answered, never kept: the issue may appear tomorrow.
  return serveCached(c, `/issues/${date.data}.${ext ?? "html"}|${version}`, async () => {
    const issue = await getIssue(c.env.DB, cfg.site.publicReader, date.data);
    if (!issue) {
      const message = `There is no issue for ${date.data}.`;
      return errorResponse(c, "not_found", message, asPage("No issue that day", message));
    }
    if (ext === "json")
      return { body: JSON.stringify(issue), contentType: "application/json", cacheControl: IMMUTABLE };
    if (ext === "md")
      return {
        body: renderMarkdown(issue),
        contentType: "text/markdown; charset=utf-8",
        cacheControl: IMMUTABLE,
      };
    const all = await listIssues(c.env.DB, cfg.site.publicReader, 366);
    const index = all.findIndex((i) => i.date === issue.date);
    const previous = all[index + 1]?.date;
    const next = index > 0 ? all[index - 1]?.date : undefined;
    const body = await renderIssuePage(issue, {
      siteUrl: cfg.site.url,
      content: await storedContent(c.env, cfg, issue),
      ...(previous ? { previous } : {}),
      ...(next ? { next } : {}),
    });
    // The newest issue's page gains a "next" link tomorrow; every other page is settled.
    return { body, contentType: HTML, cacheControl: next ? SETTLED : FRESH };
  });
});

archiveRoutes.get("/feed.xml", async (c) => {
  const cfg = c.var.config;
  const version = await versionOf(c.env, cfg);
  return serveCached(c, `/feed.xml|${version}`, async () => {
    const issues = await recentIssues(c.env.DB, cfg.site.publicReader, 20);
    return {
      body: renderAtom(issues, cfg.site.url, new Date()),
      contentType: "application/atom+xml; charset=utf-8",
      cacheControl: FRESH,
    };
  });
});
