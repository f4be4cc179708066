import { describe, expect, it } from "vitest";
import { Candidate } from "../../../src/candidate";
import { defaultYouTubeChannels, gatherDaily } from "../../../src/sources/index";
import { talkLibraryCandidates } from "../../../src/sources/talks";
import { fixture, replay, testContext } from "./support";

/** The curated talks are embedded, not fetched: they are in every day's pool, whatever the sources did. */
const libraryIds = new Set(talkLibraryCandidates().map((c) => c.id));
const fetched = (cs: Candidate[]) => cs.filter((c) => !libraryIds.has(c.id));

const request = {
  date: "2024-10-25",
  categories: ["cs.LG", "stat.ML"],
  interests: ["optimal transport"],
  youtubeChannels: ["UCk195x4zYdMx4LhqEwhcPng"],
};

/** Only arXiv answers; every other host fails in its own way. */
const onlyArxiv: typeof fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.hostname.endsWith("arxiv.org")) return replay(input, init);
  if (url.hostname === "huggingface.co") return new Response("<html>502 Bad Gateway</html>", { status: 502 });
  if (url.hostname === "api.github.com")
    return new Response(fixture("github_error_422_validation_failed.json"), { status: 422 });
  if (url.hostname === "api.semanticscholar.org")
    return new Response('{"message": "Too Many Requests"}', { status: 429 });
  throw new TypeError(`getaddrinfo ENOTFOUND ${url.hostname}`);
};

describe("gatherDaily", () => {
  it("builds the day from the recorded payloads of every source, merged by identity", async () => {
    const ctx = testContext();
    const { candidates, reports } = await gatherDaily(ctx, { ...request, likedIds: ["arxiv:2410.17243"] });
    expect(reports.map((r) => r.source)).toEqual([
      "arxiv",
      "huggingface",
      "github",
      "youtube",
      "semanticscholar",
    ]);
    for (const r of reports) expect(r.failures).toEqual([]);
    const count = (source: string) =>
      candidates.filter((c) => c.sources.includes(source as Candidate["sources"][number])).length;
    expect(count("arxiv")).toBe(1504);
    expect(count("huggingface")).toBe(29);
    expect(count("github")).toBe(8);
    expect(count("youtube")).toBe(15 + libraryIds.size);
    expect(reports.find((r) => r.source === "youtube")?.candidates).toHaveLength(15);
    expect(new Set(candidates.map((c) => c.id)).size).toBe(candidates.length);
    for (const c of candidates) expect(Candidate.safeParse(c).success).toBe(true);
    expect(ctx.calls.filter((c) => c.url.startsWith("https://rss.arxiv.org/rss/"))).toHaveLength(1);
    expect(ctx.calls.some((c) => c.url === "https://rss.arxiv.org/rss/cs.LG+stat.ML")).toBe(true);
    expect(ctx.calls.some((c) => c.url.includes("daily_papers?date=2024-10-25"))).toBe(true);
  });

  it("still delivers arXiv's candidates when every other source fails, with a failure per source", async () => {
    const ctx = testContext(onlyArxiv);
    const { candidates, reports } = await gatherDaily(ctx, { ...request, likedIds: ["arxiv:2410.17243"] });
    expect(fetched(candidates)).toHaveLength(1504);
    expect(fetched(candidates).every((c) => c.sources.includes("arxiv"))).toBe(true);
    const failed = Object.fromEntries(reports.map((r) => [r.source, r.failures]));
    expect(failed.arxiv).toEqual([]);
    expect(failed.huggingface).toEqual([expect.objectContaining({ kind: "http", status: 502 })]);
    expect(failed.github).toEqual([expect.objectContaining({ kind: "http", status: 422 })]);
    expect(failed.github?.[0]?.message).toContain("Validation Failed");
    expect(failed.youtube).toEqual([expect.objectContaining({ kind: "network" })]);
    expect(failed.youtube?.[0]?.message).toContain("ENOTFOUND");
    expect(failed.semanticscholar?.length).toBeGreaterThanOrEqual(1);
    expect(failed.semanticscholar?.every((f) => f.status === 429)).toBe(true);
    // Backoff happened through the injected sleep, and was bounded.
    expect(ctx.sleeps.length).toBeGreaterThan(0);
    expect(ctx.calls.filter((c) => c.url.includes("semanticscholar")).length).toBeLessThanOrEqual(8);
  });

  it("records garbage from a source as a parse failure with its position", async () => {
    const truncatedHf = fixture("hf_api_daily_papers_2024-10-25.json").slice(0, 1000);
    const ctx = testContext(async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      return url.includes("huggingface.co") ? new Response(truncatedHf) : replay(input, init);
    });
    const { candidates, reports } = await gatherDaily(ctx, request);
    const hf = reports.find((r) => r.source === "huggingface");
    expect(hf?.failures).toEqual([expect.objectContaining({ source: "huggingface", kind: "parse" })]);
    expect(hf?.failures[0]?.message).toMatch(/line 1, column 1001/);
    expect(candidates.length).toBeGreaterThan(1500);
  });

  it("never throws, even when fetch itself throws synchronously", async () => {
    const ctx = testContext(() => {
      throw new Error("boom");
    });
    const { candidates, reports } = await gatherDaily(ctx, request);
    expect(fetched(candidates)).toEqual([]);
    expect(new Set(candidates.map((c) => c.id))).toEqual(libraryIds);
    expect(reports.every((r) => r.failures.length > 0 || r.quiet)).toBe(true);
    expect(reports.find((r) => r.source === "arxiv")?.failures[0]?.message).toContain("boom");
  });

  it("reads the curated channels when the reader names none", async () => {
    const ctx = testContext();
    await gatherDaily(ctx, { ...request, youtubeChannels: [] });
    const feeds = ctx.calls.filter((c) => c.url.startsWith("https://www.youtube.com/feeds/videos.xml"));
    expect(feeds.map((c) => new URL(c.url).searchParams.get("channel_id"))).toEqual(
      defaultYouTubeChannels.map((c) => c.id),
    );
  });

  it("calls a weekend's empty listing a quiet day, not a failure", async () => {
    const ctx = testContext(async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      return url.includes("rss.arxiv.org")
        ? new Response(fixture("arxiv_rss_test_archive_empty.xml"))
        : replay(input, init);
    });
    const { reports } = await gatherDaily(ctx, request);
    expect(reports.find((r) => r.source === "arxiv")).toMatchObject({
      quiet: true,
      failures: [],
      candidates: [],
    });
  });
});
