import { z } from "zod";
import type { Candidate, Signals } from "../candidate";
import { request } from "../http";
import { encodeUrlPart, isHttpUrl } from "../http-url";
import type { Discussion } from "../issue";
import { reportFrom } from "./report";
import { errorAt, type ParseResult, parseJson } from "./result";
import { count, isoDate, stripTags } from "./text";
import type { SourceContext, SourceReport } from "./types";

const hit = z
  .object({
    objectID: z.string(),
    title: z.string().nullish(),
    url: z.string().nullish(),
    author: z.string().nullish(),
    points: z.number().nullish(),
    num_comments: z.number().nullish(),
    story_text: z.string().nullish(),
    comment_text: z.string().nullish(),
    story_title: z.string().nullish(),
    story_url: z.string().nullish(),
    story_id: z.number().nullish(),
    created_at: z.string().nullish(),
    _tags: z.array(z.string()).nullish(),
  })
  .loose();
type Hit = z.infer<typeof hit>;

/** The HN item page of an id. */
export function hnItemUrl(id: string | number): string {
  return `https://news.ycombinator.com/item?id=${encodeUrlPart(String(id))}`;
}

/**
 * Parses an HN Algolia search (`/search`, `/search_by_date`): stories and comments become
 * discussion candidates (`hn:ID`) linking to the HN thread; the story's own link is an alias.
 */
export function parseHackerNews(body: string): ParseResult {
  const json = parseJson("hackernews", body);
  if (!json.ok) return json;
  const value = json.value;
  if (typeof value !== "object" || value === null || !Array.isArray((value as { hits?: unknown }).hits)) {
    const message =
      typeof value === "object" && value !== null && "message" in value
        ? `HN Algolia error: ${String((value as { message: unknown }).message)}`
        : "expected an Algolia search response with hits";
    return { ok: false, error: errorAt("hackernews", body, '"message"', message) };
  }
  const candidates: Candidate[] = [];
  for (const [index, raw] of (value as { hits: unknown[] }).hits.entries()) {
    const parsed = hit.safeParse(raw);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          source: "hackernews",
          message: `hit ${index}: ${parsed.error.issues[0]?.message ?? "unexpected shape"}`,
        },
      };
    }
    const candidate = fromHit(parsed.data);
    if (candidate) candidates.push(candidate);
  }
  return { ok: true, candidates, quiet: candidates.length === 0 };
}

function fromHit(h: Hit): Candidate | undefined {
  const isComment = h._tags?.includes("comment") ?? (h.comment_text != null && h.title == null);
  const title = isComment
    ? h.story_title
      ? `Comment on: ${h.story_title}`
      : undefined
    : (h.title ?? undefined);
  if (!title) return undefined;
  const signals: Signals = {};
  if (typeof h.points === "number") signals.hnPoints = Math.trunc(h.points);
  const comments = count(h.num_comments);
  if (comments !== undefined) signals.hnComments = comments;
  const story = isComment ? h.story_url : h.url;
  // A story may link anywhere (Ask HN has none); only an http(s) link identifies a work.
  const link = story && isHttpUrl(story) ? story : undefined;
  const candidate: Candidate = {
    id: `hn:${h.objectID}`,
    kind: "discussion",
    title,
    summary: stripTags((isComment ? h.comment_text : h.story_text) ?? ""),
    url: hnItemUrl(h.objectID),
    authors: h.author ? [h.author] : [],
    categories: [],
    // The story's link identifies the work discussed (an arXiv abstract, a repository).
    aliases: link ? [link] : [],
    sources: ["hackernews"],
    signals,
  };
  const published = isoDate(h.created_at ?? undefined);
  if (published) candidate.published = published;
  return candidate;
}

/** Stories on HN matching `query` (Algolia relevance search). */
export async function searchStories(
  ctx: SourceContext,
  query: string,
  hitsPerPage = 10,
): Promise<SourceReport> {
  const params = new URLSearchParams({ query, tags: "story", hitsPerPage: String(hitsPerPage) });
  const response = await request(ctx, `${ctx.config.hnApiUrl}/search?${params}`, {
    source: "hackernews",
    headers: { "user-agent": ctx.config.userAgent },
    maxAttempts: 2,
  });
  return reportFrom("hackernews", response, parseHackerNews);
}

/** A discussion candidate as the issue model's Discussion. */
export function toDiscussion(c: Candidate): Discussion {
  const d: Discussion = { title: c.title, url: c.url };
  if (c.signals.hnPoints !== undefined) d.points = c.signals.hnPoints;
  if (c.signals.hnComments !== undefined) d.comments = c.signals.hnComments;
  return d;
}
