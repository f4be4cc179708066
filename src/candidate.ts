import { z } from "zod";
import { httpUrl } from "./http-url";

/**
 * The sources a candidate can come from, in priority order: when candidates merge, the one with
 * the strongest id is the base, and among equal ids the one from the earliest source here.
 */
export const SourceName = z.enum([
  "arxiv",
  "huggingface",
  "semanticscholar",
  "github",
  "youtube",
  "hackernews",
]);
export type SourceName = z.infer<typeof SourceName>;

/** What a candidate is: a research paper, a tool (repository), a talk, or a discussion thread. */
export const CandidateKind = z.enum(["paper", "tool", "video", "discussion"]);
export type CandidateKind = z.infer<typeof CandidateKind>;

/**
 * Signals gathered from every source that saw the work. Merging two candidates keeps the
 * union of their signals (the larger number where both carry one).
 */
export const Signals = z
  .object({
    // arXiv
    announceType: z.string().optional(),
    comment: z.string().optional(),
    journalRef: z.string().optional(),
    pages: z.number().int().nonnegative().optional(),
    // Hugging Face daily papers
    hfUpvotes: z.number().int().nonnegative().optional(),
    hfComments: z.number().int().nonnegative().optional(),
    aiSummary: z.string().optional(),
    aiKeywords: z.array(z.string()).optional(),
    // Semantic Scholar
    citations: z.number().int().nonnegative().optional(),
    influentialCitations: z.number().int().nonnegative().optional(),
    maxAuthorHIndex: z.number().int().nonnegative().optional(),
    tldr: z.string().optional(),
    // GitHub
    stars: z.number().int().nonnegative().optional(),
    forks: z.number().int().nonnegative().optional(),
    pushedAt: z.string().optional(),
    language: z.string().optional(),
    topics: z.array(z.string()).optional(),
    readme: z.string().optional(),
    // YouTube
    durationSeconds: z.number().int().nonnegative().optional(),
    channel: z.string().optional(),
    views: z.number().int().nonnegative().optional(),
    // Hacker News
    hnPoints: z.number().int().optional(),
    hnComments: z.number().int().nonnegative().optional(),
  })
  .strict();
export type Signals = z.infer<typeof Signals>;

/**
 * A candidate for an issue, normalized from any source.
 *
 * `id` is the canonical identity of the work (see `src/identity.ts`): `arxiv:2602.03067`
 * (no version), `doi:10.1234/x`, `github:owner/repo`, `youtube:VIDEOID`, `hn:123`, `s2:<paperId>`.
 * `aliases` lists every other identity seen for the same work (versions, DOI, HF and S2 ids),
 * so that the seen set can match any of them.
 */
export const Candidate = z.object({
  id: z.string().min(3),
  kind: CandidateKind,
  title: z.string().min(1),
  summary: z.string(),
  url: httpUrl,
  authors: z.array(z.string()),
  categories: z.array(z.string()),
  published: z.string().optional(),
  updated: z.string().optional(),
  doi: z.string().optional(),
  aliases: z.array(z.string()),
  sources: z.array(SourceName).min(1),
  signals: Signals,
});
export type Candidate = z.infer<typeof Candidate>;
