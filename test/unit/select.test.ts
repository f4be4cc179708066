import { describe, expect, it } from "vitest";
import type { Candidate, CandidateKind } from "../../src/candidate";
import type { Rule } from "../../src/issue";
import { rulesFromFeedback } from "../../src/rules";
import { MIN_RELEVANCE, type ScoredCandidate } from "../../src/scoring/index";
import { selectIssue } from "../../src/select";

function scored(
  id: string,
  opts: {
    kind?: CandidateKind;
    score: number;
    cluster?: string;
    tags?: string[];
    title?: string;
    aliases?: string[];
  },
): ScoredCandidate {
  const candidate: Candidate = {
    id,
    kind: opts.kind ?? "paper",
    title: opts.title ?? `Paper ${id}`,
    summary: `About ${opts.title ?? id}.`,
    url: `https://example.org/${encodeURIComponent(id)}`,
    authors: [],
    categories: [],
    aliases: opts.aliases ?? [],
    sources: ["arxiv"],
    signals: {},
  };
  return {
    candidate,
    score: opts.score,
    relevance: opts.score,
    explanation: { interests: [], liked: [], lenses: [], signals: [], text: "" },
    tags: opts.tags ?? [],
    ...(opts.cluster ? { cluster: opts.cluster } : {}),
  };
}

const OT = "Optimal transport";
const LOB = "Limit order books";
const FM = "Flow matching";

function day(): ScoredCandidate[] {
  return [
    scored("arxiv:1", { score: 0.9, cluster: OT, tags: ["optimal-transport"], title: "Sinkhorn on GPUs" }),
    scored("arxiv:2", {
      score: 0.88,
      cluster: OT,
      tags: ["optimal-transport"],
      title: "Sinkhorn in log domain",
    }),
    scored("arxiv:3", {
      score: 0.86,
      cluster: OT,
      tags: ["optimal-transport"],
      title: "Sinkhorn divergences",
    }),
    scored("arxiv:4", {
      score: 0.85,
      cluster: OT,
      tags: ["optimal-transport"],
      title: "Unbalanced Sinkhorn",
    }),
    scored("arxiv:5", {
      score: 0.7,
      cluster: LOB,
      tags: ["market-microstructure"],
      title: "Queue-reactive order books",
    }),
    scored("arxiv:6", {
      score: 0.65,
      cluster: FM,
      tags: ["flow-matching"],
      title: "Flow matching for control",
    }),
    scored("github:a/lob", { kind: "tool", score: 0.8, cluster: LOB, title: "LOB replay engine" }),
    scored("github:b/ot", { kind: "tool", score: 0.78, cluster: OT, title: "OT toolbox" }),
    scored("youtube:strongtalk01", {
      kind: "video",
      score: 0.6,
      cluster: OT,
      tags: ["optimal-transport"],
      title: "OT lecture",
    }),
    scored("youtube:weaktalk002", {
      kind: "video",
      score: MIN_RELEVANCE * 0.7,
      title: "A loosely related seminar",
    }),
    scored("arxiv:9", { score: 0.1, title: "Galaxy rotation curves" }),
  ];
}

describe("selectIssue", () => {
  it("picks 3–4 research items with at most one tool", () => {
    const s = selectIssue(day(), { rules: [] });
    expect(s.research.length).toBeGreaterThanOrEqual(3);
    expect(s.research.length).toBeLessThanOrEqual(4);
    expect(s.research.filter((r) => r.candidate.kind === "tool")).toHaveLength(1);
    expect(s.thin).toBe(false);
  });

  it("spreads the picks across the reader's interests instead of four Sinkhorn papers", () => {
    const s = selectIssue(day(), { rules: [] });
    const clusters = new Set(s.research.map((r) => r.cluster));
    expect(clusters.size).toBeGreaterThanOrEqual(2);
    expect(s.research.filter((r) => r.cluster === OT).length).toBeLessThanOrEqual(2);
  });

  it("includes one standalone talk by default and two when a rule asks for two", () => {
    expect(selectIssue(day(), { rules: [] }).videos.map((v) => v.candidate.id)).toEqual([
      "youtube:strongtalk01",
    ]);
    const rules = rulesFromFeedback("please include 2 videos", new Date("2026-02-13T00:00:00Z"), "fb-1");
    const s = selectIssue(day(), { rules });
    expect(s.videos).toHaveLength(2);
    expect(s.wants.minVideos).toBe(2);
  });

  it("asks for author talks when a standing rule says so", () => {
    const rules = rulesFromFeedback(
      "Paper author talks should be searched and linked for each recommended paper.",
      new Date(),
      "fb-2",
    );
    expect(selectIssue(day(), { rules }).wants.authorTalks).toBe(true);
    expect(selectIssue(day(), { rules: [] }).wants.authorTalks).toBe(false);
  });

  it("never picks an item the reader has already been sent, under any of its identities", () => {
    const ranked = [
      scored("arxiv:2602.03067", { score: 0.95, cluster: OT, aliases: ["doi:10.48550/arxiv.2602.03067"] }),
      ...day(),
    ];
    const seen = new Set(["doi:10.48550/arxiv.2602.03067"]);
    const s = selectIssue(ranked, {
      rules: [],
      isSeen: (c) => [c.id, ...c.aliases].some((k) => seen.has(k)),
    });
    expect(s.research.map((r) => r.candidate.id)).not.toContain("arxiv:2602.03067");
  });

  it("counts the same work arriving under two ids once", () => {
    const ranked = [
      scored("arxiv:2602.03067", { score: 0.95, cluster: OT }),
      scored("hf:2602.03067", { score: 0.94, cluster: OT, aliases: ["arxiv:2602.03067v2"] }),
      ...day(),
    ];
    const ids = selectIssue(ranked, { rules: [] }).research.map((r) => r.candidate.id);
    expect(ids.filter((id) => id.endsWith("2602.03067"))).toHaveLength(1);
  });

  it("says the day is thin instead of padding with weak picks", () => {
    const ranked = [scored("arxiv:1", { score: 0.8, cluster: OT }), scored("arxiv:9", { score: 0.1 })];
    const s = selectIssue(ranked, { rules: [] });
    expect(s.research.map((r) => r.candidate.id)).toEqual(["arxiv:1"]);
    expect(s.thin).toBe(true);
    expect(s.notes.join(" ")).toMatch(/Thin day/);
  });

  it("drops topics the reader asked to avoid and honours 'no videos' and 'no tools'", () => {
    const rules: Rule[] = [
      {
        id: "r1",
        text: "Fewer OT",
        constrains: "topic.avoid",
        params: { topic: "optimal-transport" },
        since: "2026-02-01",
      },
      { id: "r2", text: "No videos", constrains: "videos.max", params: { max: 0 }, since: "2026-02-02" },
      { id: "r3", text: "No tools", constrains: "tools.max", params: { max: 0 }, since: "2026-02-03" },
    ];
    const s = selectIssue(day(), { rules });
    expect(s.research.some((r) => r.tags.includes("optimal-transport"))).toBe(false);
    expect(s.research.some((r) => r.candidate.kind === "tool")).toBe(false);
    expect(s.videos).toEqual([]);
  });
});
