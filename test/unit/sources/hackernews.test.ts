import { describe, expect, it } from "vitest";
import type { Candidate } from "../../../src/candidate";
import { parseHackerNews } from "../../../src/sources/hackernews";
import { findDiscussion } from "../../../src/sources/index";
import { fixture, testContext } from "./support";

function pick(id: string, title: string, url = "https://arxiv.org/abs/2602.03067"): Candidate {
  return {
    id,
    kind: "paper",
    title,
    summary: "",
    url,
    authors: [],
    categories: [],
    aliases: [],
    sources: ["arxiv"],
    signals: {},
  };
}

const story = fixture("hn_algolia_search_story_query_apple_2014.json");

describe("Hacker News payloads", () => {
  it("reads a story hit with points, comments and its link", () => {
    const result = parseHackerNews(story);
    expect(result.ok && result.candidates[0]).toMatchObject({
      id: "hn:2922756",
      kind: "discussion",
      title: "Steve Jobs Resigns as CEO of Apple",
      url: "https://news.ycombinator.com/item?id=2922756",
      authors: ["taylorbuley"],
      signals: { hnPoints: 1638, hnComments: 308 },
      aliases: ["http://finance.yahoo.com/news/Steve-Jobs-Resigns-as-CEO-of-bw-19285464.html?x=0&.v=1"],
    });
  });

  it("reads a comment hit with its text unescaped", () => {
    const result = parseHackerNews(fixture("hn_algolia_search_by_date_comment_2014.json"));
    expect(result.ok && result.candidates[0]?.title).toBe("Comment on: Fibonacci Flim-Flam");
    expect(result.ok && result.candidates[0]?.summary).toContain("What's fascinating");
  });

  it("reports garbage with its offset", () => {
    expect(parseHackerNews(story.slice(0, 200))).toMatchObject({
      ok: false,
      error: { source: "hackernews", offset: 200 },
    });
    expect(parseHackerNews('{"message":"Invalid query"}').ok).toBe(false);
  });
});

describe("findDiscussion", () => {
  it("does not attach the recorded 'apple' story to an unrelated paper", async () => {
    const ctx = testContext();
    const found = await findDiscussion(
      ctx,
      pick("arxiv:2602.03067", "Sinkhorn attention as entropic optimal transport"),
    );
    expect(ctx.calls).toHaveLength(1);
    expect(found).toBeUndefined();
  });

  it("attaches a story whose title is the pick's", async () => {
    const found = await findDiscussion(
      testContext(),
      pick("doi:10.1/jobs", "Steve Jobs resigns as CEO of Apple"),
    );
    expect(found).toEqual({
      title: "Steve Jobs Resigns as CEO of Apple",
      url: "https://news.ycombinator.com/item?id=2922756",
      points: 1638,
      comments: 308,
    });
  });

  it("attaches a story that links to the pick even under another title", async () => {
    const payload = JSON.parse(story) as { hits: Array<Record<string, unknown>> };
    const hit = payload.hits[0];
    if (hit) hit.url = "https://arxiv.org/pdf/2602.03067v2";
    const ctx = testContext(async () => new Response(JSON.stringify(payload)));
    const found = await findDiscussion(
      ctx,
      pick("arxiv:2602.03067", "Sinkhorn attention as entropic optimal transport"),
    );
    expect(found?.url).toBe("https://news.ycombinator.com/item?id=2922756");
  });

  it("returns nothing when HN is down", async () => {
    const ctx = testContext(async () => new Response("", { status: 503 }));
    expect(
      await findDiscussion(ctx, pick("doi:10.1/jobs", "Steve Jobs resigns as CEO of Apple")),
    ).toBeUndefined();
  });
});
