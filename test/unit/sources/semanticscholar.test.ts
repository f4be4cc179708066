import { describe, expect, it } from "vitest";
import type { Candidate } from "../../../src/candidate";
import {
  enrichWithSemanticScholar,
  fetchMaxAuthorHIndex,
  fetchRecommendations,
  parseSemanticScholar,
} from "../../../src/sources/semanticscholar";
import { fixture, header, testContext } from "./support";

function paper(id: string, extra: Partial<Candidate> = {}): Candidate {
  return {
    id,
    kind: "paper",
    title: `Paper ${id}`,
    summary: "",
    url: "https://arxiv.org/abs/0000.00000",
    authors: [],
    categories: [],
    aliases: [],
    sources: ["arxiv"],
    signals: {},
    ...extra,
  };
}

const batch = fixture("s2_graph_paper_batch_full_fields.json");

describe("Semantic Scholar payloads", () => {
  it("reads a paper batch, skipping the null entries of unknown ids", () => {
    const result = parseSemanticScholar(batch);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.candidates.map((c) => c.id)).toEqual([
      "doi:10.2139/ssrn.288970",
      "doi:10.2139/ssrn.2250500",
      "doi:10.1257/rct.1355",
    ]);
    expect(result.candidates[0]).toMatchObject({
      title: "How Much Should We Trust Differences-in-Differences Estimates?",
      aliases: ["s2:c31c87c591a25c64fbaa82e8ac6a81831b6ac7ce"],
      signals: { citations: 10670, influentialCitations: 578 },
      published: "2001-10-01T00:00:00.000Z",
    });
  });

  it("reads recommendations and tells the 400 error apart", () => {
    const recs = parseSemanticScholar(fixture("s2_recommendations_post_lists.json"));
    expect(recs.ok && recs.candidates.length).toBe(100);
    expect(recs.ok && recs.candidates[0]).toMatchObject({
      id: "s2:df02b0118f4d23c7dcdc7ef22b15bdd6302e8da2",
      title: "The path sequence of a graph",
    });
    const error = parseSemanticScholar(fixture("s2_recommendations_error_400.json"));
    expect(error).toMatchObject({ ok: false, error: { source: "semanticscholar", offset: 1 } });
    expect(!error.ok && error.error.message).toContain("No positive paper examples given");
    expect(parseSemanticScholar(fixture("s2_graph_error_404_paper_not_found.json")).ok).toBe(false);
    expect(parseSemanticScholar(fixture("s2_graph_paper_search_empty.json"))).toMatchObject({
      ok: true,
      candidates: [],
    });
  });

  it("finds the largest author h-index in the authors payload", async () => {
    expect(parseSemanticScholar(fixture("s2_graph_paper_authors_hindex.json"))).toMatchObject({
      ok: true,
      candidates: [],
      note: expect.stringContaining("largest h-index 91"),
    });
    expect(await fetchMaxAuthorHIndex(testContext(), "doi:10.2139/ssrn.2250500")).toBe(91);
  });

  it("reports a truncated batch with its offset", () => {
    const result = parseSemanticScholar(batch.slice(0, 300));
    expect(result).toMatchObject({ ok: false, error: { source: "semanticscholar", offset: 300 } });
  });
});

describe("Semantic Scholar enrichment", () => {
  it("sends ARXIV: and DOI: ids and attaches results by identity, never by position", async () => {
    const ctx = testContext();
    // The recorded batch answers for three DOIs; only the candidate carrying one of them may gain signals.
    const candidates = [
      paper("arxiv:2411.17700"),
      paper("arxiv:1305.00001", { aliases: ["doi:10.2139/ssrn.2250500"] }),
      paper("doi:10.2139/SSRN.288970"),
      { ...paper("github:o/r"), kind: "tool" as const },
    ];
    const { candidates: out, report } = await enrichWithSemanticScholar(ctx, candidates);
    const sent = JSON.parse(String(ctx.calls[0]?.init?.body)) as { ids: string[] };
    expect(sent.ids).toEqual(["ARXIV:2411.17700", "ARXIV:1305.00001", "DOI:10.2139/ssrn.288970"]);
    expect(out[0]?.signals).toEqual({});
    expect(out[1]?.signals).toMatchObject({
      citations: expect.any(Number),
      influentialCitations: expect.any(Number),
    });
    expect(out[1]?.sources).toEqual(["arxiv", "semanticscholar"]);
    expect(out[1]?.aliases).toContain("s2:cb1ebd913c3724c599f6b276b14b5c6253da68f3");
    expect(out[2]?.signals.citations).toBe(10670);
    expect(out[3]).toEqual(candidates[3]);
    expect(report.failures).toEqual([]);
  });

  it("sends x-api-key only when a key is configured, and splits 1,200 ids into batches of 500", async () => {
    const many = Array.from({ length: 1200 }, (_, i) => paper(`arxiv:2411.${String(10000 + i)}`));
    const keyed = testContext(undefined, { s2ApiKey: "s2-secret" });
    await enrichWithSemanticScholar(keyed, many);
    expect(keyed.calls).toHaveLength(3);
    expect(
      keyed.calls.map((c) => (JSON.parse(String(c.init?.body)) as { ids: string[] }).ids.length),
    ).toEqual([500, 500, 200]);
    expect(header(keyed.calls[0], "x-api-key")).toBe("s2-secret");
    const anonymous = testContext();
    await enrichWithSemanticScholar(anonymous, many.slice(0, 2));
    expect(header(anonymous.calls[0], "x-api-key")).toBeNull();
  });

  it("backs off on 429 without a key and degrades to unenriched candidates", async () => {
    const ctx = testContext(async () => new Response('{"message":"Too Many Requests"}', { status: 429 }));
    const candidates = [paper("arxiv:2411.17700")];
    const { candidates: out, report } = await enrichWithSemanticScholar(ctx, candidates);
    expect(out).toEqual(candidates);
    expect(report.failures).toEqual([expect.objectContaining({ kind: "http", status: 429 })]);
    expect(ctx.calls).toHaveLength(4);
    expect(ctx.sleeps.length).toBeGreaterThanOrEqual(3);
  });

  it("asks again without author h-indices when the batch refuses those fields", async () => {
    const ctx = testContext(async (input) =>
      String(input).includes("authors.hIndex")
        ? new Response('{"error":"Unrecognized or unsupported fields: [authors.hIndex]"}', { status: 400 })
        : new Response(fixture("s2_graph_paper_batch_full_fields.json")),
    );
    const { candidates, report } = await enrichWithSemanticScholar(ctx, [paper("doi:10.2139/ssrn.288970")]);
    expect(ctx.calls).toHaveLength(2);
    expect(candidates[0]?.signals.citations).toBe(10670);
    expect(report.failures).toEqual([]);
  });

  it("records the recommendations endpoint's 400 as a failure", async () => {
    const ctx = testContext(
      async () => new Response(fixture("s2_recommendations_error_400.json"), { status: 400 }),
    );
    const report = await fetchRecommendations(ctx, ["arxiv:2410.17243"]);
    expect(report.failures).toEqual([expect.objectContaining({ kind: "http", status: 400 })]);
    expect(report.failures[0]?.message).toContain("No positive paper examples given");
    const sent = JSON.parse(String(ctx.calls[0]?.init?.body)) as { positivePaperIds: string[] };
    expect(sent.positivePaperIds).toEqual(["ARXIV:2410.17243"]);
  });
});
