import { z } from "zod";
import type { SourceConfig } from "./types";

/** Blank strings in `[vars]` or `.dev.vars` mean "not set". */
const unsetIfBlank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const baseUrl = (fallback: string) =>
  z
    .preprocess(unsetIfBlank, z.url({ protocol: /^https?$/ }).default(fallback))
    .transform((u) => u.replace(/\/+$/, ""));
const secret = z.preprocess(unsetIfBlank, z.string().trim().min(1).optional());
const arxivCategory = /^[a-z-]+(\.[A-Za-z-]+)?$/;

/** The sources section of the configuration (src/config.ts); defaults are the live endpoints. */
export const SourceVars = z.object({
  ARXIV_API_URL: baseUrl("https://export.arxiv.org/api/query"),
  ARXIV_RSS_URL: baseUrl("https://rss.arxiv.org/rss"),
  ARXIV_EPRINT_URL: baseUrl("https://arxiv.org/e-print"),
  ARXIV_HTML_URL: baseUrl("https://arxiv.org/html"),
  HF_API_URL: baseUrl("https://huggingface.co/api"),
  S2_API_URL: baseUrl("https://api.semanticscholar.org"),
  GITHUB_API_URL: baseUrl("https://api.github.com"),
  YOUTUBE_API_URL: baseUrl("https://www.googleapis.com/youtube/v3"),
  YOUTUBE_FEED_URL: baseUrl("https://www.youtube.com/feeds/videos.xml"),
  HN_API_URL: baseUrl("https://hn.algolia.com/api/v1"),
  ARXIV_CATEGORIES: z
    .preprocess(
      unsetIfBlank,
      z.string().default("cs.LG,stat.ML,math.OC,q-fin.TR,q-fin.CP,q-fin.MF,math.PR,cs.AI"),
    )
    .transform((s) => s.split(/[\s,+]+/).filter((c) => c !== ""))
    .pipe(z.array(z.string().regex(arxivCategory, "not an arXiv category (e.g. cs.LG, math.OC)")).min(1)),
  S2_API_KEY: secret,
  GITHUB_TOKEN: secret,
  YOUTUBE_API_KEY: secret,
});
type SourceVars = z.infer<typeof SourceVars>;

/** The sources' configuration from parsed vars; `siteUrl` goes into the User-Agent. */
export function sourceConfigOf(v: SourceVars, siteUrl: string | undefined): SourceConfig {
  const config: SourceConfig = {
    arxivApiUrl: v.ARXIV_API_URL,
    arxivRssUrl: v.ARXIV_RSS_URL,
    arxivEprintUrl: v.ARXIV_EPRINT_URL,
    arxivHtmlUrl: v.ARXIV_HTML_URL,
    hfApiUrl: v.HF_API_URL,
    s2ApiUrl: v.S2_API_URL,
    githubApiUrl: v.GITHUB_API_URL,
    youtubeApiUrl: v.YOUTUBE_API_URL,
    youtubeFeedUrl: v.YOUTUBE_FEED_URL,
    hnApiUrl: v.HN_API_URL,
    arxivCategories: v.ARXIV_CATEGORIES,
    // arXiv asks API clients to identify themselves and give a way to reach them.
    userAgent: `DailyFeed/0.1 (personal research digest${siteUrl ? `; +${siteUrl}` : ""})`,
  };
  if (v.S2_API_KEY) config.s2ApiKey = v.S2_API_KEY;
  if (v.GITHUB_TOKEN) config.githubToken = v.GITHUB_TOKEN;
  if (v.YOUTUBE_API_KEY) config.youtubeApiKey = v.YOUTUBE_API_KEY;
  return config;
}

/**
 * The sources' configuration alone (the CLI and source tests; the Worker parses it as a section of
 * src/config.ts). Throws one clear error naming every bad variable; blank values count as unset.
 */
export function sourceConfigFromVars(vars: Record<string, string | undefined>): SourceConfig {
  const parsed = SourceVars.safeParse(vars);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join(".") || "(vars)"}: ${i.message}`)
      .join("; ");
    throw new Error(`invalid source configuration: ${problems}`);
  }
  return sourceConfigOf(parsed.data, vars.SITE_URL?.trim() || undefined);
}
