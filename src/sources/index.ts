import type { Candidate, SourceName } from "../candidate";
import { mergeCandidates, mergeSignals } from "../identity";
import type { Discussion } from "../issue";
import { fetchArxivListing, parseArxiv } from "./arxiv";
import { parseGitHub, searchGitHubTools } from "./github";
import { parseHackerNews, searchStories, toDiscussion } from "./hackernews";
import { fetchHuggingFaceDaily, parseHuggingFace } from "./huggingface";
import { isDiscussionOf, isTalkAbout } from "./match";
import type { ParseResult } from "./result";
import { enrichWithSemanticScholar, fetchRecommendations, parseSemanticScholar } from "./semanticscholar";
import { talkLibraryCandidates } from "./talks";
import { contentTokens } from "./text";
import type { SourceContext, SourceReport } from "./types";
import {
  defaultYouTubeChannels,
  fetchChannelFeed,
  fetchVideoDetails,
  parseYouTube,
  searchVideos,
} from "./youtube";

export { sourceConfigFromVars } from "./config";
export type { ParseError, ParseResult } from "./result";
export { formatParseError } from "./result";
export { defaultYouTubeChannels } from "./youtube";

/** What the daily pipeline asks the sources for. */
export interface DailyRequest {
  /** The issue date, YYYY-MM-DD (Hugging Face's daily list; the arXiv listing is always "latest"). */
  date: string;
  /** arXiv categories; empty means the configured defaults. */
  categories: string[];
  /** Free-text interests, used for the GitHub tool search. */
  interests: string[];
  /** YouTube channel ids; empty means the built-in curated list. */
  youtubeChannels: string[];
  /** Canonical ids of papers the reader liked, for Semantic Scholar recommendations. */
  likedIds?: string[];
}

/**
 * Gathers the day's candidates from every source, concurrently: the arXiv listing for the
 * categories (one combined request), Hugging Face daily papers, GitHub tools for the interests,
 * the YouTube channel feeds, and Semantic Scholar recommendations from liked papers; merges them
 * by identity; then enriches papers with Semantic Scholar signals. A failing source is a failure
 * in its report and the day is built from the rest; this never throws.
 */
export async function gatherDaily(
  ctx: SourceContext,
  req: DailyRequest,
): Promise<{ candidates: Candidate[]; reports: SourceReport[] }> {
  const channels =
    req.youtubeChannels.length > 0 ? req.youtubeChannels : defaultYouTubeChannels.map((c) => c.id);
  const [arxiv, huggingface, github, youtube, recommendations] = await Promise.all([
    guarded("arxiv", () => fetchArxivListing(ctx, req.categories)),
    guarded("huggingface", () => fetchHuggingFaceDaily(ctx, req.date)),
    guarded("github", () =>
      req.interests.length > 0
        ? searchGitHubTools(ctx, req.interests, req.date)
        : Promise.resolve({ source: "github" as const, candidates: [], failures: [], quiet: true }),
    ),
    guarded("youtube", () => gatherChannels(ctx, channels, req.date)),
    guarded("semanticscholar", () => fetchRecommendations(ctx, req.likedIds ?? [])),
  ]);
  const merged = mergeCandidates([
    ...arxiv.candidates,
    ...huggingface.candidates,
    ...recommendations.candidates,
    ...github.candidates,
    ...youtube.candidates,
    // Embedded, not fetched: the evergreen talks backfill the daily video and stay out of the YouTube report.
    ...talkLibraryCandidates(),
  ]);
  const enriched = await guardedEnrichment(ctx, merged);
  const s2: SourceReport = {
    source: "semanticscholar",
    candidates: recommendations.candidates,
    failures: [...recommendations.failures, ...enriched.report.failures],
    quiet: recommendations.quiet && enriched.report.quiet,
  };
  return { candidates: enriched.candidates, reports: [arxiv, huggingface, github, youtube, s2] };
}

/** Every channel's feed (concurrently), then durations for the recent ones when a key is set. */
async function gatherChannels(ctx: SourceContext, channelIds: string[], date: string): Promise<SourceReport> {
  const reports = await Promise.all(channelIds.map((id) => fetchChannelFeed(ctx, id)));
  let candidates = reports.flatMap((r) => r.candidates);
  const failures = reports.flatMap((r) => r.failures);
  if (ctx.config.youtubeApiKey && candidates.length > 0) {
    // Durations are not in the feeds; one videos.list call (1 unit) covers 50 recent videos.
    const cutoff = Date.parse(`${date}T23:59:59Z`) - 120 * 86_400_000;
    const recent = candidates.filter((c) => c.published === undefined || Date.parse(c.published) >= cutoff);
    const details = await fetchVideoDetails(
      ctx,
      recent.slice(0, 50).map((c) => c.id.slice("youtube:".length)),
    );
    const byId = new Map(details.candidates.map((c) => [c.id, c]));
    candidates = candidates.map((c) => {
      const d = byId.get(c.id);
      return d ? { ...c, signals: mergeSignals([c.signals, d.signals]) } : c;
    });
    failures.push(...details.failures);
  }
  // A channel that failed while others answered is a failure; all quiet channels are a quiet day.
  return { source: "youtube", candidates, failures, quiet: candidates.length === 0 && failures.length === 0 };
}

async function guardedEnrichment(
  ctx: SourceContext,
  candidates: Candidate[],
): Promise<{ candidates: Candidate[]; report: SourceReport }> {
  try {
    return await enrichWithSemanticScholar(ctx, candidates);
  } catch (err) {
    return { candidates, report: crashed("semanticscholar", err) };
  }
}

/** A bug or surprise inside one source must not take the day down with it. */
async function guarded(source: SourceName, run: () => Promise<SourceReport>): Promise<SourceReport> {
  try {
    return await run();
  } catch (err) {
    return crashed(source, err);
  }
}

function crashed(source: SourceName, err: unknown): SourceReport {
  return {
    source,
    candidates: [],
    failures: [
      {
        source,
        kind: "network",
        message: `unexpected error: ${err instanceof Error ? err.message : String(err)}`,
      },
    ],
    quiet: false,
  };
}

/**
 * Talks by a pick's authors about the pick, from the YouTube Data API (only with a key: the
 * search quota is small, so only picks get one). Results that are not about the pick (title and
 * author overlap) are dropped; durations come from `videos.list`. Empty without a key or on failure.
 */
export async function findAuthorTalks(ctx: SourceContext, pick: Candidate): Promise<Candidate[]> {
  if (!ctx.config.youtubeApiKey || pick.kind === "video") return [];
  try {
    const titleWords = [...contentTokens(pick.title)].slice(0, 8).join(" ");
    const surname = pick.authors[0]?.split(/\s+/).at(-1) ?? "";
    const found = await searchVideos(ctx, `${titleWords} ${surname}`.trim(), 10);
    const talks = found.candidates.filter((v) => isTalkAbout(pick, v)).slice(0, 3);
    if (talks.length === 0) return [];
    const details = await fetchVideoDetails(
      ctx,
      talks.map((t) => t.id.slice("youtube:".length)),
    );
    const byId = new Map(details.candidates.map((c) => [c.id, c]));
    return talks.map((t) => {
      const d = byId.get(t.id);
      return d ? { ...t, signals: mergeSignals([t.signals, d.signals]) } : t;
    });
  } catch {
    return [];
  }
}

/**
 * A Hacker News thread about the pick (Algolia search by title), only when the story links to
 * the pick or its title is close to the pick's; the most-pointed such story. Undefined otherwise.
 */
export async function findDiscussion(ctx: SourceContext, pick: Candidate): Promise<Discussion | undefined> {
  try {
    const query = [...contentTokens(pick.title)].slice(0, 10).join(" ");
    if (query === "") return undefined;
    const found = await searchStories(ctx, query, 10);
    const best = found.candidates
      .filter((story) => isDiscussionOf(pick, story))
      .sort((a, b) => (b.signals.hnPoints ?? 0) - (a.signals.hnPoints ?? 0))[0];
    return best ? toDiscussion(best) : undefined;
  } catch {
    return undefined;
  }
}

/** Parses a recorded payload of `source` into normalized candidates (API vs listing auto-detected). */
export function parsePayload(source: SourceName, body: string): ParseResult {
  switch (source) {
    case "arxiv":
      return parseArxiv(body);
    case "huggingface":
      return parseHuggingFace(body);
    case "semanticscholar":
      return parseSemanticScholar(body);
    case "github":
      return parseGitHub(body);
    case "youtube":
      return parseYouTube(body);
    case "hackernews":
      return parseHackerNews(body);
  }
}
