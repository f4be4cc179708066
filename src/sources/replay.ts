/**
 * Which recorded real payload answers a request, when the feed runs on replays (the embedded
 * default, `npm start`, and the tests). The payloads live in `test/fixtures/` (provenance in its
 * MANIFEST.md); `npm start` copies them to `public/replay/` so the Worker can read them as assets.
 */
export interface ReplayAnswer {
  fixture: string;
  status: number;
  contentType: string;
}

const xml = "application/xml; charset=utf-8";
const json = "application/json; charset=utf-8";

interface ReplayRoute {
  host: RegExp;
  path: RegExp;
  answer: ReplayAnswer;
}

const routes: ReplayRoute[] = [
  {
    host: /(^|\.)rss\.arxiv\.org$/,
    path: /^\/rss\//,
    answer: { fixture: "arxiv_rss_multi_archive_2024-11-28.xml", status: 200, contentType: xml },
  },
  {
    host: /(^|\.)arxiv\.org$/,
    path: /^\/api\/query/,
    answer: { fixture: "arxiv_api_query_testing_10_entries.xml", status: 200, contentType: xml },
  },
  {
    host: /(^|\.)huggingface\.co$/,
    path: /^\/api\/daily_papers/,
    answer: { fixture: "hf_api_daily_papers_2024-10-25.json", status: 200, contentType: json },
  },
  {
    host: /^api\.semanticscholar\.org$/,
    path: /^\/graph\/v1\/paper\/batch/,
    answer: { fixture: "s2_graph_paper_batch_full_fields.json", status: 200, contentType: json },
  },
  {
    host: /^api\.semanticscholar\.org$/,
    path: /^\/graph\/v1\/paper\/[^/]+\/authors/,
    answer: { fixture: "s2_graph_paper_authors_hindex.json", status: 200, contentType: json },
  },
  {
    host: /^api\.semanticscholar\.org$/,
    path: /^\/recommendations\/v1\/papers\/forpaper\//,
    answer: { fixture: "s2_recommendations_forpaper.json", status: 200, contentType: json },
  },
  {
    host: /^api\.semanticscholar\.org$/,
    path: /^\/recommendations\/v1\/papers/,
    answer: { fixture: "s2_recommendations_post_lists.json", status: 200, contentType: json },
  },
  {
    host: /^api\.github\.com$/,
    path: /^\/search\/repositories/,
    answer: { fixture: "github_search_repositories_github3py_2017.json", status: 200, contentType: json },
  },
  {
    host: /^api\.github\.com$/,
    path: /^\/repos\/[^/]+\/[^/]+\/?$/,
    answer: { fixture: "github_repo_sigmavirus24_github3py_2017.json", status: 200, contentType: json },
  },
  {
    host: /^www\.googleapis\.com$/,
    path: /^\/youtube\/v3\/search/,
    answer: { fixture: "youtube_v3_search_list_keywords_2019.json", status: 200, contentType: json },
  },
  {
    host: /^www\.googleapis\.com$/,
    path: /^\/youtube\/v3\/videos/,
    answer: {
      fixture: "youtube_v3_videos_list_contentDetails_statistics_2019.json",
      status: 200,
      contentType: json,
    },
  },
  {
    host: /(^|\.)youtube\.com$/,
    path: /^\/feeds\/videos\.xml/,
    answer: { fixture: "youtube_channel_rss_feed_2021.xml", status: 200, contentType: xml },
  },
  {
    host: /^hn\.algolia\.com$/,
    path: /^\/api\/v1\/search/,
    answer: { fixture: "hn_algolia_search_story_query_apple_2014.json", status: 200, contentType: json },
  },
];

const gzip = "application/gzip";

/**
 * Recorded e-prints are named by arXiv id: `eprint_<id>.tar.gz` (a tar, as arXiv serves most) or
 * `eprint_<id>.gz` (a single gzip'd .tex). Papers without one answer 404, as a PDF-only paper would not.
 */
function eprintAnswers(u: URL): ReplayAnswer[] {
  if (!/(^|\.)arxiv\.org$/.test(u.hostname)) return [];
  const id = /^\/(?:e-print|src)\/(\d{4}\.\d{4,5})(?:v\d+)?$/.exec(u.pathname)?.[1];
  if (!id) return [];
  return [`eprint_${id}.tar.gz`, `eprint_${id}.gz`].map((fixture) => ({
    fixture,
    status: 200,
    contentType: gzip,
  }));
}

/** The recorded payloads that may answer `url`, first match first (e-prints have two possible names). */
function replayAnswers(url: string): ReplayAnswer[] {
  const u = new URL(url);
  const eprint = eprintAnswers(u);
  if (eprint.length > 0) return eprint;
  const answer = routes.find((r) => r.host.test(u.hostname) && r.path.test(u.pathname))?.answer;
  return answer ? [answer] : [];
}

/** The recorded payload that answers `url`, or undefined when none does. */
export function replayAnswer(url: string): ReplayAnswer | undefined {
  return replayAnswers(url)[0];
}

/** A recorded payload's bytes (e-prints are binary) or text. */
export type ReplayBody = string | Uint8Array<ArrayBuffer>;

/**
 * A `fetch` that answers from recorded payloads, reading them with `load` (from disk in Node,
 * from the Worker's static assets in `wrangler dev`). Unknown URLs get a 404, never the network.
 */
export function replayFetch(load: (fixture: string) => Promise<ReplayBody | undefined>): typeof fetch {
  return async (input: RequestInfo | URL, _init?: RequestInit) => {
    // a Request from another realm (miniflare's outbound hook) is not `instanceof Request` here
    const url = typeof input === "object" && "url" in input ? input.url : String(input);
    for (const answer of replayAnswers(url)) {
      const body = await load(answer.fixture);
      if (body !== undefined) {
        return new Response(body, { status: answer.status, headers: { "content-type": answer.contentType } });
      }
    }
    return new Response(`no recorded payload for ${url}`, { status: 404 });
  };
}
