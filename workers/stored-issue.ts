/**
 * An issue's content typeset once (KaTeX is the costliest part of serving a page) and kept in D1
 * (`issue_pages`, migration 0005): the public archive and a subscriber's private pages both wrap it.
 */
import { getIssuePage, putIssuePage } from "../d1/issue-pages";
import type { Config } from "../src/config";
import type { Issue } from "../src/issue";
import { renderIssueContent } from "../src/render/web";
import { strongEtag } from "./archive-cache";
import type { Bindings } from "./config";

/**
 * Bump when the web renderer's output changes: stored issue content rendered by an older version is
 * then rendered again on its next request.
 */
const RENDER_VERSION = 1;

/**
 * What rendered a stored page: the renderer's version, whether it holds vote slots (private pages),
 * and the site it links within.
 */
async function pageVariant(cfg: Config, voteSlots: boolean): Promise<string> {
  const keyed = await strongEtag(cfg.site.url);
  return `web${RENDER_VERSION}${voteSlots ? "v" : ""}:${keyed.replace(/"/g, "")}`;
}

/**
 * The content HTML of an issue, typeset once: read from D1 when it was stored by this variant of the
 * renderer, else rendered and stored. With `voteSlots` each item carries a slot for the reader's
 * vote links (`fillVoteSlots`): they are signed per request, so they cannot be stored.
 */
export async function storedContent(
  env: Bindings,
  cfg: Config,
  issue: Issue,
  opts: { voteSlots?: boolean } = {},
): Promise<string> {
  const voteSlots = opts.voteSlots === true;
  const variant = await pageVariant(cfg, voteSlots);
  const stored = await getIssuePage(env.DB, issue.readerId, issue.date, variant);
  if (stored !== null) return stored;
  const content = await renderIssueContent(issue, {
    siteUrl: cfg.site.url,
    ...(voteSlots ? { voteSlots } : {}),
  });
  await putIssuePage(env.DB, issue.readerId, issue.date, variant, content, new Date());
  return content;
}
