import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Candidate, SourceName } from "../../../src/candidate";
import { demoFeedback, demoProfile, demoRules } from "../../../src/demo-profile";
import { mergeCandidates } from "../../../src/identity";
import {
  prepareCorpus,
  type RatedFeedback,
  type ReaderModel,
  rankCandidates,
  rankCandidatesSync,
  readerModelFromProfile,
  type ScoredCandidate,
} from "../../../src/scoring/index";
import { parsePayload } from "../../../src/sources/index";

const NOW = new Date("2024-11-28T12:00:00Z");
const PAYLOADS: [string, SourceName][] = [
  ["arxiv_rss_multi_archive_2024-11-28.xml", "arxiv"],
  ["hf_api_daily_papers_2024-10-25.json", "huggingface"],
  ["github_search_repositories_github3py_2017.json", "github"],
  ["youtube_v3_search_list_keywords_2019.json", "youtube"],
];
let day: Candidate[] = [];

beforeAll(() => {
  day = mergeCandidates(
    PAYLOADS.flatMap(([file, source]) => {
      const body = readFileSync(path.resolve(import.meta.dirname, "../../fixtures", file), "utf8");
      const parsed = parsePayload(source, body);
      if (!parsed.ok) throw new Error(`${file}: ${parsed.error.message}`);
      return parsed.candidates;
    }),
  );
});

/** Everything a reader sees of a ranking: order, scores, tags, cluster and the full explanation. */
function visible(ranked: readonly ScoredCandidate[]) {
  return ranked.map((s) => ({
    id: s.candidate.id,
    score: s.score,
    relevance: s.relevance,
    tags: s.tags,
    cluster: s.cluster,
    explanation: s.explanation,
  }));
}

function rating(c: Candidate, rated: "up" | "down", at: string): RatedFeedback {
  return {
    id: `r-${c.id}`,
    readerId: "other",
    at,
    issueDate: at.slice(0, 10),
    itemId: c.id,
    kind: "rating",
    rating: rated,
    channel: "web",
    item: { title: c.title, summary: c.summary },
  };
}

function find(id: string): Candidate {
  const c = day.find((x) => x.id === id);
  if (!c) throw new Error(`fixture changed: ${id} missing`);
  return c;
}

describe("prepareCorpus", () => {
  it("ranks a real day the same with a prepared corpus as without one", () => {
    const model = readerModelFromProfile(demoProfile, demoRules, demoFeedback);
    const without = rankCandidatesSync(day, model, { now: NOW });
    const withCorpus = rankCandidatesSync(day, model, { now: NOW, corpus: prepareCorpus(day) });
    expect(without.length).toBe(day.length);
    // The comparison must cover real explanations, not only "little overlap" boilerplate.
    expect(without.filter((s) => s.explanation.interests.length > 0).length).toBeGreaterThan(20);
    expect(visible(withCorpus)).toEqual(visible(without));
  });

  it("serves readers with different interests, ratings and lenses from one corpus", async () => {
    const corpus = prepareCorpus(day);
    const other: ReaderModel = readerModelFromProfile(
      {
        ...demoProfile,
        interests: [
          "Graph neural networks for molecules and materials",
          "Bayesian optimization: Gaussian processes, acquisition functions",
        ],
        lenses: ["symmetry and equivariance", "duality"],
        references: [],
      },
      [],
      [
        rating(find("arxiv:2411.18397"), "up", "2024-11-27T08:00:00.000Z"),
        rating(find("arxiv:2411.18261"), "down", "2024-11-27T09:00:00.000Z"),
      ],
    );
    for (const model of [readerModelFromProfile(demoProfile, demoRules, demoFeedback), other]) {
      const without = await rankCandidates(day, model, { now: NOW });
      const withCorpus = await rankCandidates(day, model, { now: NOW, corpus });
      expect(visible(withCorpus)).toEqual(visible(without));
    }
  });

  it("ranks a reader's unseen part of the day as if the corpus had been prepared for that part", () => {
    const corpus = prepareCorpus(day);
    const model = readerModelFromProfile(demoProfile, demoRules, demoFeedback);
    // The reader was already sent some of today's strongest items; the Worker re-reads the day
    // from storage, so the candidates are equal copies, not the objects the corpus was built from.
    const full = rankCandidatesSync(day, model, { now: NOW });
    const seen = new Set(full.slice(0, 12).map((s) => s.candidate.id));
    const unseen = structuredClone(day).filter((c) => !seen.has(c.id));
    const without = rankCandidatesSync(unseen, model, { now: NOW });
    const withCorpus = rankCandidatesSync(unseen, model, { now: NOW, corpus });
    expect(visible(withCorpus)).toEqual(visible(without));
    // Leaving items out changes the pool's statistics: the day's scores are not simply reused.
    const fullScore = new Map(full.map((s) => [s.candidate.id, s.score]));
    expect(without.some((s) => s.score !== fullScore.get(s.candidate.id))).toBe(true);
  });

  it("ignores a corpus whose candidates have changed since it was prepared", () => {
    const corpus = prepareCorpus(day);
    const model = readerModelFromProfile(demoProfile, demoRules, demoFeedback);
    const target = find("arxiv:2411.18261");
    const changed = day.map((c) =>
      c === target
        ? {
            ...c,
            summary: "We study optimal transport with entropic regularization and Sinkhorn iterations.",
          }
        : c,
    );
    const withStale = rankCandidatesSync(changed, model, { now: NOW, corpus });
    const fresh = rankCandidatesSync(changed, model, { now: NOW });
    expect(visible(withStale)).toEqual(visible(fresh));
    const before = rankCandidatesSync(day, model, { now: NOW }).find((s) => s.candidate.id === target.id);
    const after = fresh.find((s) => s.candidate.id === target.id);
    expect(after?.tags).toContain("optimal-transport");
    expect(after?.explanation.text).not.toBe(before?.explanation.text);
  });
});
