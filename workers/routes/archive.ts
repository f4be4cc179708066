import { Hono } from "hono";
import { getIssue, latestIssue, listIssues, recentIssues } from "../../d1/issues";
import { feedbackLink } from "../../src/feedback-links";
import type { Issue } from "../../src/issue";
import { IssueDate } from "../../src/issue";
import { renderAtom } from "../../src/render/atom";
import { renderMarkdown } from "../../src/render/markdown";
import { renderArchivePage, renderErrorPage, renderIssuePage } from "../../src/render/web";
import { appConfig } from "../config";

/** The public archive: HTML pages, Markdown, canonical JSON and the Atom feed of the public reader. */
export const archiveRoutes = new Hono<{ Bindings: Env }>();

const SLUG = /^(?<date>[^.]+)(?:\.(?<ext>md|json))?$/;

async function votesFor(
  env: Env,
  issue: Issue,
): Promise<Map<string, { up: string; down: string }> | undefined> {
  const cfg = appConfig(env);
  if (!cfg.TOKEN_SECRET) return undefined;
  const secret = cfg.TOKEN_SECRET;
  const now = new Date();
  const links = new Map<string, { up: string; down: string }>();
  for (const item of issue.items) {
    const [up, down] = await Promise.all(
      (["up", "down"] as const).map((v) =>
        feedbackLink(secret, cfg.SITE_URL, issue.readerId, issue.date, item.candidateId, v, now),
      ),
    );
    if (up && down) links.set(item.candidateId, { up, down });
  }
  return links;
}

archiveRoutes.get("/", async (c) => {
  const cfg = appConfig(c.env);
  const [latest, list] = await Promise.all([
    latestIssue(c.env.DB, cfg.PUBLIC_READER),
    listIssues(c.env.DB, cfg.PUBLIC_READER, 60),
  ]);
  const feedbackLinks = latest ? await votesFor(c.env, latest) : undefined;
  return c.html(
    await renderArchivePage(list, {
      siteUrl: cfg.SITE_URL,
      ...(latest ? { latest } : {}),
      ...(feedbackLinks ? { feedbackLinks } : {}),
    }),
  );
});

archiveRoutes.get("/issues", async (c) => {
  const cfg = appConfig(c.env);
  const list = await listIssues(c.env.DB, cfg.PUBLIC_READER, 366);
  return c.html(await renderArchivePage(list, { siteUrl: cfg.SITE_URL }));
});

archiveRoutes.get("/issues/:slug", async (c) => {
  const cfg = appConfig(c.env);
  const match = SLUG.exec(c.req.param("slug"));
  const ext = match?.groups?.ext;
  const date = IssueDate.safeParse(match?.groups?.date);
  if (!date.success) {
    const message = `“${c.req.param("slug")}” is not an issue date: use /issues/YYYY-MM-DD (optionally .md or .json).`;
    if (ext === "json") return c.json({ error: { code: "bad_request", message } }, 400);
    return c.html(await renderErrorPage(400, "Malformed date", message, cfg.SITE_URL), 400);
  }
  const issue = await getIssue(c.env.DB, cfg.PUBLIC_READER, date.data);
  if (!issue) {
    const message = `There is no issue for ${date.data}.`;
    if (ext === "json") return c.json({ error: { code: "not_found", message } }, 404);
    if (ext === "md") return c.text(`${message}\n`, 404);
    return c.html(await renderErrorPage(404, "No issue that day", message, cfg.SITE_URL), 404);
  }
  c.header("cache-control", "public, max-age=300");
  if (ext === "json") return c.json(issue);
  if (ext === "md")
    return c.body(renderMarkdown(issue), 200, { "content-type": "text/markdown; charset=utf-8" });
  const all = await listIssues(c.env.DB, cfg.PUBLIC_READER, 366);
  const index = all.findIndex((i) => i.date === issue.date);
  const previous = all[index + 1]?.date;
  const next = index > 0 ? all[index - 1]?.date : undefined;
  const feedbackLinks = await votesFor(c.env, issue);
  return c.html(
    await renderIssuePage(issue, {
      siteUrl: cfg.SITE_URL,
      ...(feedbackLinks ? { feedbackLinks } : {}),
      ...(previous ? { previous } : {}),
      ...(next ? { next } : {}),
    }),
  );
});

archiveRoutes.get("/feed.xml", async (c) => {
  const cfg = appConfig(c.env);
  const issues = await recentIssues(c.env.DB, cfg.PUBLIC_READER, 20);
  return c.body(renderAtom(issues, cfg.SITE_URL, new Date()), 200, {
    "content-type": "application/atom+xml; charset=utf-8",
  });
});
