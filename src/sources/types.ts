import type { Candidate, SourceName } from "../candidate";

/** Configuration of the external sources: base URLs (overridable for replays) and optional keys. */
export interface SourceConfig {
  arxivApiUrl: string;
  arxivRssUrl: string;
  /** LaTeX sources of picks (`<base>/<id>`), read by src/paper. */
  arxivEprintUrl: string;
  /** arXiv's HTML renderings, the fallback when an e-print cannot be read. */
  arxivHtmlUrl: string;
  hfApiUrl: string;
  s2ApiUrl: string;
  githubApiUrl: string;
  youtubeApiUrl: string;
  youtubeFeedUrl: string;
  hnApiUrl: string;
  /** arXiv categories to read when the reader names none. */
  arxivCategories: string[];
  s2ApiKey?: string;
  githubToken?: string;
  youtubeApiKey?: string;
  /** Descriptive User-Agent, as arXiv asks. */
  userAgent: string;
}

/** What every source call receives: the platform is passed in, never reached for. */
export interface SourceContext {
  fetch: typeof fetch;
  now: () => Date;
  /** Waits; injected so tests and replays need not sleep for real. */
  sleep: (ms: number) => Promise<void>;
  config: SourceConfig;
}

/** A failure of one source, recorded in the pipeline run and the notes. */
export interface SourceFailure {
  source: SourceName;
  /** "http" (non-2xx after retries), "timeout", "parse" (garbage), "network". */
  kind: "http" | "timeout" | "parse" | "network";
  message: string;
  status?: number;
}

/** The outcome of one source for one run: what it found and what went wrong. */
export interface SourceReport {
  source: SourceName;
  candidates: Candidate[];
  failures: SourceFailure[];
  /** True when the source answered but legitimately had nothing (arXiv on a weekend). */
  quiet: boolean;
}
