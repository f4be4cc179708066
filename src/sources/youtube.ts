import { z } from "zod";
import type { Candidate, Signals } from "../candidate";
import { request } from "../http";
import { encodeUrlPart } from "../http-url";
import { attr, child, children, parseXml, text } from "../xml";
import { reportFrom } from "./report";
import { errorAt, type ParseResult, parseJson } from "./result";
import { collapseWhitespace, count, decodeEntities, isoDate } from "./text";
import type { SourceContext, SourceReport } from "./types";

/**
 * Curated lecture channels read when the reader names none (keyless RSS, 15 latest videos each).
 * Chosen for ML / optimization / applied-math depth; ids checked against public channel pages.
 */
export const defaultYouTubeChannels: ReadonlyArray<{ id: string; name: string }> = [
  { id: "UCm5mt-A4w61lknZ9lCsZtBw", name: "Steve Brunton (data-driven science, control, optimization)" },
  { id: "UCMLtBahI5DMrt0NPvDSoIRQ", name: "Machine Learning Street Talk (researcher interviews)" },
  { id: "UCZHmQk67mSJgfCCTn7xBfew", name: "Yannic Kilcher (ML paper walkthroughs)" },
  { id: "UCBa5G_ESCn8Yd4vw5U-gIcg", name: "Stanford Online (CS229/CS224N/CS231N and seminars)" },
  { id: "UCXUPKJO5MZQN11PqgIvyuvQ", name: "Andrej Karpathy (deep learning from first principles)" },
  { id: "UCYO_jab_esuFRV4b17AJtAw", name: "3Blue1Brown (mathematics, linear algebra, probability)" },
  { id: "UCtYLUTtgS3k1Fg4y5tAhLbw", name: "StatQuest (statistics and ML)" },
];

/** Seconds in an ISO-8601 duration (`PT1H34M12S` → 5652, `P1DT2H` → 93600), or undefined. */
export function parseIsoDuration(raw: string): number | undefined {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(raw.trim());
  if (!m || raw.trim() === "P" || raw.trim().endsWith("T")) return undefined;
  const [, w, d, h, min, s] = m;
  const n = (v: string | undefined) => (v === undefined ? 0 : Number(v));
  return Math.round(n(w) * 604_800 + n(d) * 86_400 + n(h) * 3_600 + n(min) * 60 + n(s));
}

/**
 * Parses a YouTube payload: a channel's Atom feed (XML), or Data API v3 JSON — `search.list`,
 * `videos.list` (with ISO-8601 durations) — told apart by shape. `{error}` documents are errors.
 */
export function parseYouTube(body: string): ParseResult {
  if (body.trimStart().startsWith("<")) return parseYouTubeFeed(body);
  const json = parseJson("youtube", body);
  if (!json.ok) return json;
  const value = json.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, error: errorAt("youtube", body, "", "expected a YouTube API response object") };
  }
  const doc = value as Record<string, unknown>;
  if (typeof doc.error === "object" && doc.error !== null) {
    const e = doc.error as { code?: unknown; message?: unknown };
    return {
      ok: false,
      error: errorAt(
        "youtube",
        body,
        '"error"',
        `YouTube API error ${String(e.code ?? "")}: ${String(e.message ?? "unknown")}`.trim(),
      ),
    };
  }
  const kind = typeof doc.kind === "string" ? doc.kind : "";
  const items = Array.isArray(doc.items) ? doc.items : undefined;
  if (!items) return { ok: false, error: errorAt("youtube", body, "{", "YouTube response without items") };
  if (kind === "youtube#searchListResponse" || kind === "youtube#videoListResponse") {
    const candidates: Candidate[] = [];
    for (const [index, item] of items.entries()) {
      const video = apiVideo.safeParse(item);
      if (!video.success) {
        return {
          ok: false,
          error: {
            source: "youtube",
            message: `item ${index}: ${video.error.issues[0]?.message ?? "unexpected shape"}`,
          },
        };
      }
      const candidate = fromApiVideo(video.data);
      if (candidate) candidates.push(candidate);
    }
    return { ok: true, candidates, quiet: candidates.length === 0 };
  }
  return { ok: true, candidates: [], note: `${kind || "unknown"} response holds no videos` };
}

const apiVideo = z
  .object({
    id: z.union([
      z.string(),
      z.object({ kind: z.string().optional(), videoId: z.string().optional() }).loose(),
    ]),
    snippet: z
      .object({
        publishedAt: z.string().optional(),
        channelId: z.string().optional(),
        title: z.string(),
        description: z.string().optional(),
        channelTitle: z.string().optional(),
      })
      .loose(),
    contentDetails: z.object({ duration: z.string().optional() }).loose().optional(),
    statistics: z.object({ viewCount: z.string().optional() }).loose().optional(),
  })
  .loose();

function fromApiVideo(v: z.infer<typeof apiVideo>): Candidate | undefined {
  const videoId = typeof v.id === "string" ? v.id : v.id.videoId;
  if (!videoId) return undefined; // a channel or playlist search result
  const signals: Signals = {};
  const duration = v.contentDetails?.duration ? parseIsoDuration(v.contentDetails.duration) : undefined;
  if (duration !== undefined) signals.durationSeconds = duration;
  if (v.snippet.channelTitle) signals.channel = decodeEntities(v.snippet.channelTitle);
  const views = count(v.statistics?.viewCount);
  if (views !== undefined) signals.views = views;
  return video({
    videoId,
    // search.list HTML-escapes titles ("World&#39;s best"), videos.list does not.
    title: collapseWhitespace(decodeEntities(v.snippet.title)),
    summary: collapseWhitespace(decodeEntities(v.snippet.description ?? "")),
    channel: v.snippet.channelTitle ? decodeEntities(v.snippet.channelTitle) : undefined,
    published: isoDate(v.snippet.publishedAt),
    updated: undefined,
    signals,
  });
}

function parseYouTubeFeed(body: string): ParseResult {
  const parsed = parseXml("youtube", body);
  if (!parsed.ok) return parsed;
  const feed = child(parsed.doc, "feed");
  if (!feed)
    return {
      ok: false,
      error: errorAt("youtube", body, "<", "not a YouTube channel feed (<feed> expected)"),
    };
  const channel = text(child(feed, "author"), "name") ?? text(feed, "title");
  const candidates: Candidate[] = [];
  for (const entry of children(feed, "entry")) {
    const candidate = fromFeedEntry(entry, channel);
    if (candidate) candidates.push(candidate);
  }
  return { ok: true, candidates, quiet: candidates.length === 0 };
}

function fromFeedEntry(entry: unknown, feedChannel: string | undefined): Candidate | undefined {
  const videoId = text(entry, "videoId") ?? (text(entry, "id") ?? "").replace(/^yt:video:/, "");
  const group = child(entry, "group");
  const title = collapseWhitespace(text(entry, "title") ?? text(group, "title") ?? "");
  if (!videoId || title === "") return undefined;
  const channel = text(child(entry, "author"), "name") ?? feedChannel;
  const signals: Signals = {};
  if (channel) signals.channel = channel;
  const views = count(attr(child(child(group, "community"), "statistics"), "views"));
  if (views !== undefined) signals.views = views;
  return video({
    videoId,
    title,
    summary: collapseWhitespace(text(group, "description") ?? ""),
    channel,
    published: isoDate(text(entry, "published")),
    updated: isoDate(text(entry, "updated")),
    signals,
  });
}

interface VideoFields {
  videoId: string;
  title: string;
  summary: string;
  channel: string | undefined;
  published: string | undefined;
  updated: string | undefined;
  signals: Signals;
}

function video(f: VideoFields): Candidate {
  const candidate: Candidate = {
    id: `youtube:${f.videoId}`,
    kind: "video",
    title: f.title,
    summary: f.summary,
    url: `https://www.youtube.com/watch?v=${encodeUrlPart(f.videoId)}`,
    authors: f.channel ? [f.channel] : [],
    categories: [],
    aliases: [],
    sources: ["youtube"],
    signals: f.signals,
  };
  if (f.published) candidate.published = f.published;
  if (f.updated) candidate.updated = f.updated;
  return candidate;
}

/** The latest videos of one channel from its keyless Atom feed. */
export async function fetchChannelFeed(ctx: SourceContext, channelId: string): Promise<SourceReport> {
  const url = `${ctx.config.youtubeFeedUrl}?channel_id=${encodeURIComponent(channelId)}`;
  const response = await request(ctx, url, {
    source: "youtube",
    headers: { "user-agent": ctx.config.userAgent },
    maxAttempts: 2,
  });
  return reportFrom("youtube", response, parseYouTube);
}

/** Data API `search.list` for videos matching `query` (100 quota units: only for picks). */
export async function searchVideos(
  ctx: SourceContext,
  query: string,
  maxResults = 10,
): Promise<SourceReport> {
  const key = ctx.config.youtubeApiKey;
  if (!key) return { source: "youtube", candidates: [], failures: [], quiet: true };
  const params = new URLSearchParams({
    part: "snippet",
    type: "video",
    q: query,
    maxResults: String(maxResults),
    videoEmbeddable: "true",
    relevanceLanguage: "en",
    key,
  });
  const response = await request(ctx, `${ctx.config.youtubeApiUrl}/search?${params}`, {
    source: "youtube",
    maxAttempts: 2,
  });
  return redactKey(reportFrom("youtube", response, parseYouTube), key);
}

/** Data API `videos.list` (1 unit per 50 ids): durations and view counts for `videoIds`. */
export async function fetchVideoDetails(ctx: SourceContext, videoIds: string[]): Promise<SourceReport> {
  const key = ctx.config.youtubeApiKey;
  if (!key || videoIds.length === 0) return { source: "youtube", candidates: [], failures: [], quiet: true };
  const reports: SourceReport[] = [];
  for (let i = 0; i < videoIds.length; i += 50) {
    const params = new URLSearchParams({
      part: "snippet,contentDetails,statistics",
      id: videoIds.slice(i, i + 50).join(","),
      key,
    });
    const response = await request(ctx, `${ctx.config.youtubeApiUrl}/videos?${params}`, {
      source: "youtube",
      maxAttempts: 2,
    });
    reports.push(redactKey(reportFrom("youtube", response, parseYouTube), key));
  }
  return {
    source: "youtube",
    candidates: reports.flatMap((r) => r.candidates),
    failures: reports.flatMap((r) => r.failures),
    quiet: false,
  };
}

/** The API key travels in the query string; it must not travel on into logs and issue notes. */
function redactKey(report: SourceReport, key: string): SourceReport {
  for (const f of report.failures) f.message = f.message.split(key).join("***");
  return report;
}
