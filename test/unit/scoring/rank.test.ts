import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Candidate } from "../../../src/candidate";
import { demoFeedback, demoProfile, demoRules } from "../../../src/demo-profile";
import type { ReaderProfile } from "../../../src/profile";
import {
  type Embedder,
  type RatedFeedback,
  rankCandidates,
  rankCandidatesSync,
  readerModelFromProfile,
  type ScoredCandidate,
} from "../../../src/scoring/index";
import { parsePayload } from "../../../src/sources/index";

const NOW = new Date("2024-11-28T12:00:00Z");
let day: Candidate[] = [];

beforeAll(() => {
  const file = path.resolve(import.meta.dirname, "../../fixtures/arxiv_rss_multi_archive_2024-11-28.xml");
  const parsed = parsePayload("arxiv", readFileSync(file, "utf8"));
  if (!parsed.ok) throw new Error(parsed.error.message);
  day = parsed.candidates;
});

function byId(ranked: ScoredCandidate[], id: string): { rank: number; s: ScoredCandidate } {
  const rank = ranked.findIndex((s) => s.candidate.id === id);
  const s = ranked[rank];
  if (!s) throw new Error(`${id} not ranked`);
  return { rank: rank + 1, s };
}

function rating(itemId: string, rated: "up" | "down", title: string, summary: string): RatedFeedback {
  return {
    id: `r-${itemId}`,
    readerId: "demo",
    at: "2024-11-27T20:00:00.000Z",
    issueDate: "2024-11-27",
    itemId,
    kind: "rating",
    rating: rated,
    channel: "web",
    item: { title, summary },
  };
}

const BREGMAN_WASSERSTEIN = "arxiv:2411.18397";
const PPO_GAMES = "arxiv:2411.17861";
const RETAIL_Q_LEARNING = "arxiv:2411.18261";

describe("rankCandidates on a real arXiv day", () => {
  it("puts the reader's topics first and far-away archives last", () => {
    const ranked = rankCandidatesSync(day, readerModelFromProfile(demoProfile, demoRules, demoFeedback), {
      now: NOW,
    });
    expect(ranked).toHaveLength(day.length);
    expect(byId(ranked, BREGMAN_WASSERSTEIN).rank).toBeLessThanOrEqual(15);
    const top20 = ranked.slice(0, 20);
    expect(
      top20.some((s) => s.candidate.categories.some((c) => c.startsWith("astro-ph") || c.startsWith("hep-"))),
    ).toBe(false);
    for (let i = 1; i < ranked.length; i++)
      expect(ranked[i - 1]?.score).toBeGreaterThanOrEqual(ranked[i]?.score ?? 0);
  });

  it("lowers similar candidates the day after a 👎, and leaves unrelated ones alone", () => {
    const retail = day.find((c) => c.id === RETAIL_Q_LEARNING);
    if (!retail) throw new Error("fixture changed");
    const before = rankCandidatesSync(day, readerModelFromProfile(demoProfile, demoRules, demoFeedback), {
      now: NOW,
    });
    const after = rankCandidatesSync(
      day,
      readerModelFromProfile(demoProfile, demoRules, [
        ...demoFeedback,
        rating(retail.id, "down", retail.title, retail.summary),
      ]),
      { now: NOW },
    );
    const similarBefore = byId(before, PPO_GAMES);
    const similarAfter = byId(after, PPO_GAMES);
    expect(similarAfter.s.relevance).toBeLessThan(similarBefore.s.relevance - 0.02);
    expect(similarAfter.rank).toBeGreaterThan(similarBefore.rank);
    const unrelatedShift = Math.abs(
      byId(after, BREGMAN_WASSERSTEIN).s.relevance - byId(before, BREGMAN_WASSERSTEIN).s.relevance,
    );
    expect(unrelatedShift).toBeLessThan(0.02);
    expect(similarAfter.s.explanation.text).toMatch(/marked down/);
  });

  it("raises similar candidates after a 👍 and says which liked item they resemble", () => {
    const liked = day.find((c) => c.id === BREGMAN_WASSERSTEIN);
    if (!liked) throw new Error("fixture changed");
    const profile: ReaderProfile = { ...demoProfile, references: [] };
    const before = rankCandidatesSync(day, readerModelFromProfile(profile), { now: NOW });
    const model = readerModelFromProfile(
      profile,
      [],
      [rating("arxiv:0000.00001", "up", liked.title, liked.summary)],
    );
    const after = rankCandidatesSync(day, model, { now: NOW });
    const twin = byId(after, BREGMAN_WASSERSTEIN);
    expect(twin.s.relevance).toBeGreaterThan(byId(before, BREGMAN_WASSERSTEIN).s.relevance);
    expect(twin.s.explanation.liked).toEqual([liked.title]);
    expect(twin.s.explanation.text).toContain("which you liked");
  });

  it("explains each score with interests, lenses and topic tags the page can key on", () => {
    const ranked = rankCandidatesSync(day, readerModelFromProfile(demoProfile, demoRules, demoFeedback), {
      now: NOW,
    });
    const bw = byId(ranked, BREGMAN_WASSERSTEIN).s;
    expect(bw.tags).toContain("optimal-transport");
    expect(bw.explanation.interests.length).toBeGreaterThan(0);
    expect(bw.explanation.text).toMatch(/^Matches your interest in /);
    const attention = byId(ranked, "arxiv:2411.17720").s; // MAS-Attention
    expect(attention.tags).toContain("attention");
    expect(attention.cluster).toBe(demoProfile.interests[1]);
  });

  it("does not recommend a paper the reader already knows as a reference", () => {
    const known: Candidate = {
      id: "arxiv:2602.03067",
      kind: "paper",
      title: "FlashSinkhorn: IO-Aware Entropic Optimal Transport",
      summary:
        "Entropic optimal transport via Sinkhorn iterations rewritten as LogSumExp reductions; FlashAttention-style tiling cuts HBM traffic.",
      url: "https://arxiv.org/abs/2602.03067",
      authors: [],
      categories: ["cs.LG"],
      aliases: ["arxiv:2602.03067v2"],
      sources: ["arxiv"],
      signals: {},
    };
    const ranked = rankCandidatesSync([known, ...day], readerModelFromProfile(demoProfile), { now: NOW });
    const s = byId(ranked, known.id).s;
    expect(s.relevance).toBeLessThan(0.3);
    expect(s.explanation.text).toMatch(/already know/);
  });

  it("uses community signals to order equally relevant items, never to lift an irrelevant one", () => {
    const base = day.find((c) => c.id === BREGMAN_WASSERSTEIN);
    const offTopic = day.find((c) => c.categories[0]?.startsWith("astro-ph"));
    if (!base || !offTopic) throw new Error("fixture changed");
    const popular = { ...base, id: "hf:popular", aliases: [], signals: { ...base.signals, hfUpvotes: 120 } };
    const hyped = {
      ...offTopic,
      id: "hf:hyped",
      aliases: [],
      signals: { ...offTopic.signals, hfUpvotes: 500 },
    };
    const ranked = rankCandidatesSync([base, popular, offTopic, hyped], readerModelFromProfile(demoProfile), {
      now: NOW,
    });
    expect(ranked[0]?.candidate.id).toBe("hf:popular");
    expect(byId(ranked, "hf:popular").s.explanation.signals).toContain("120 upvotes on Hugging Face");
    expect(byId(ranked, "hf:hyped").s.score - byId(ranked, offTopic.id).s.score).toBeLessThan(0.02);
  });

  it("blends an optional embedder through the same interface", async () => {
    const calls: number[] = [];
    // A toy embedder: one dimension per taxonomy-ish keyword, enough to show it is used.
    const keywords = ["transport", "wasserstein", "attention", "order", "market", "diffusion"];
    const embedder: Embedder = {
      name: "toy",
      async embed(texts) {
        calls.push(texts.length);
        return texts.map((t) => keywords.map((k) => (t.toLowerCase().includes(k) ? 1 : 0.01)));
      },
    };
    const subset = day.slice(0, 200);
    const model = readerModelFromProfile(demoProfile);
    const lexical = await rankCandidates(subset, model, { now: NOW });
    const blended = await rankCandidates(subset, model, { now: NOW, embedder });
    expect(calls).toHaveLength(1);
    expect(blended).toHaveLength(subset.length);
    expect(blended.map((s) => s.score)).not.toEqual(lexical.map((s) => s.score));
  });
});
