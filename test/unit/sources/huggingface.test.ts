import { describe, expect, it } from "vitest";
import { Candidate } from "../../../src/candidate";
import { fetchHuggingFaceDaily, parseHuggingFace } from "../../../src/sources/huggingface";
import { fixture, testContext } from "./support";

const payload = fixture("hf_api_daily_papers_2024-10-25.json");
const raw = JSON.parse(payload) as Array<{ paper: Record<string, unknown>; numComments: number }>;

describe("Hugging Face daily papers", () => {
  it("reads every paper of the day with its arXiv id, upvotes and comments", () => {
    const result = parseHuggingFace(payload);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.candidates).toHaveLength(raw.length);
    expect(result.candidates).toHaveLength(29);
    const first = result.candidates[0];
    expect(first).toMatchObject({
      id: "arxiv:2410.17243",
      title: "Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss",
      url: "https://huggingface.co/papers/2410.17243",
      sources: ["huggingface"],
      published: "2024-10-22T17:59:30.000Z",
      signals: { hfUpvotes: raw[0]?.paper.upvotes, hfComments: raw[0]?.numComments },
    });
    expect(first?.authors.slice(0, 2)).toEqual(["Zesen Cheng", "Hang Zhang"]);
    for (const c of result.candidates) {
      expect(Candidate.safeParse(c).success).toBe(true);
      expect(c.signals.hfUpvotes).toBeGreaterThanOrEqual(0);
    }
  });

  it("has no AI summary in the October 2024 shape, and reads it when the API sends one", () => {
    const old = parseHuggingFace(payload);
    expect(old.ok && old.candidates.every((c) => c.signals.aiSummary === undefined)).toBe(true);
    // Today's API adds ai_summary / ai_keywords to the paper object: same payload, fields added.
    const current = structuredClone(raw);
    if (current[0]) {
      current[0].paper.ai_summary = "Tile-based contrastive loss removes the memory wall.";
      current[0].paper.ai_keywords = ["contrastive loss", "batch size"];
    }
    const result = parseHuggingFace(JSON.stringify(current));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.candidates[0]?.signals).toMatchObject({
      aiSummary: "Tile-based contrastive loss removes the memory wall.",
      aiKeywords: ["contrastive loss", "batch size"],
    });
    expect(result.candidates[1]?.signals.aiSummary).toBeUndefined();
  });

  it("reports truncated JSON with its offset, and an error document as an error", () => {
    const truncated = parseHuggingFace(payload.slice(0, 4000));
    expect(truncated).toMatchObject({ ok: false, error: { source: "huggingface", offset: 4000 } });
    const error = parseHuggingFace('{"error":"Invalid date"}');
    expect(error).toMatchObject({ ok: false, error: { source: "huggingface" } });
    expect(!error.ok && error.error.message).toContain("Invalid date");
    expect(parseHuggingFace("[]")).toEqual({ ok: true, candidates: [] });
  });

  it("asks for the issue's date", async () => {
    const ctx = testContext();
    const report = await fetchHuggingFaceDaily(ctx, "2024-10-25");
    expect(new URL(ctx.calls[0]?.url ?? "").searchParams.get("date")).toBe("2024-10-25");
    expect(report.candidates).toHaveLength(29);
  });
});
