import { describe, expect, it } from "vitest";
import { demoFeedback, demoRules } from "../../src/demo-profile";
import { rulesFromFeedback } from "../../src/rules";

const NOW = new Date("2026-02-12T18:00:00Z");
const constraints = (text: string) =>
  rulesFromFeedback(text, NOW, "fb-1").map((r) => [r.constrains, r.params]);

describe("rulesFromFeedback", () => {
  it("draws the example issue's standing rules from its feedback note", () => {
    const note = demoFeedback.find((f) => f.kind === "text")?.text ?? "";
    expect(constraints(note)).toEqual([
      ["channels.identical", { enabled: true }],
      ["videos.min", { min: 1, max: 2 }],
    ]);
  });

  it("recognizes the extrapolated rules as the example issue words them", () => {
    const text = [
      "YouTube videos are a mandatory component, not optional.",
      "Paper author talks should be searched and linked for each recommended paper.",
      "Both delivery channels must push identical content.",
    ].join("\n");
    const got = rulesFromFeedback(text, NOW, "fb-2");
    expect(got.map((r) => r.constrains).sort()).toEqual(demoRules.map((r) => r.constrains).sort());
    expect(got.every((r) => r.since === "2026-02-12" && r.fromFeedback === "fb-2")).toBe(true);
  });

  it("reads an explicit number of videos", () => {
    expect(constraints("please include 2 videos")).toEqual([["videos.min", { min: 2, max: 2 }]]);
    expect(constraints("I'd like at least 2 talks a day")).toEqual([["videos.min", { min: 2, max: 2 }]]);
    expect(constraints("one or two lectures per day would be great")).toEqual([
      ["videos.min", { min: 1, max: 2 }],
    ]);
  });

  it("turns 'fewer X' and 'no tools' into constraints on topics and tools", () => {
    expect(constraints("Fewer diffusion model papers, please.")).toEqual([
      ["topic.avoid", { topic: "diffusion" }],
    ]);
    expect(constraints("More on optimal transport!")).toEqual([
      ["topic.prefer", { topic: "optimal-transport" }],
    ]);
    expect(constraints("No GitHub repos please.")).toEqual([["tools.max", { max: 0 }]]);
    expect(constraints("Only 3 papers per issue.")).toEqual([["research.max", { max: 3 }]]);
  });

  it("makes no rule from praise or from statements that ask for nothing", () => {
    expect(constraints("Great issue, the Sinkhorn explanation was excellent.")).toEqual([]);
    expect(constraints("The video was long but worth it.")).toEqual([]);
  });

  it("is deterministic: the same note yields the same rule ids", () => {
    const a = rulesFromFeedback("please include 2 videos", NOW, "fb-9");
    const b = rulesFromFeedback("please include 2 videos", new Date("2026-03-01T00:00:00Z"), "fb-9");
    expect(a.map((r) => r.id)).toEqual(b.map((r) => r.id));
  });
});
