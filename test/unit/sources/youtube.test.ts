import { describe, expect, it } from "vitest";
import type { Candidate } from "../../../src/candidate";
import { findAuthorTalks } from "../../../src/sources/index";
import { fetchChannelFeed, parseIsoDuration, parseYouTube } from "../../../src/sources/youtube";
import { fixture, testContext } from "./support";

function pick(title: string, authors: string[]): Candidate {
  return {
    id: "arxiv:2602.03067",
    kind: "paper",
    title,
    summary: "",
    url: "https://arxiv.org/abs/2602.03067",
    authors,
    categories: [],
    aliases: [],
    sources: ["arxiv"],
    signals: {},
  };
}

describe("ISO-8601 durations", () => {
  it("turns YouTube's durations into seconds", () => {
    expect(parseIsoDuration("PT1H34M12S")).toBe(5652);
    expect(parseIsoDuration("PT21M7S")).toBe(1267);
    expect(parseIsoDuration("PT45S")).toBe(45);
    expect(parseIsoDuration("PT2H")).toBe(7200);
    expect(parseIsoDuration("P1DT2H3M")).toBe(93_780);
    expect(parseIsoDuration("P0D")).toBe(0);
    for (const bad of ["", "P", "PT", "1H30M", "PT1.5.2S", "abc"])
      expect(parseIsoDuration(bad), bad).toBeUndefined();
  });
});

describe("YouTube payloads", () => {
  it("reads a channel feed: 15 videos with ids, channel, views, dates and non-ASCII text", () => {
    const result = parseYouTube(fixture("youtube_channel_rss_feed_2021.xml"));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.candidates).toHaveLength(15);
    expect(result.candidates[0]).toMatchObject({
      id: "youtube:Elewn679CZI",
      kind: "video",
      title: "El Brillante Futuro de la Física | Una Conversación con Álvaro de Rújula",
      url: "https://www.youtube.com/watch?v=Elewn679CZI",
      published: "2021-12-19T14:00:11.000Z",
      updated: "2021-12-21T16:12:21.000Z",
      signals: { channel: "Instituto de Física Teórica IFT" },
    });
    expect(result.candidates[0]?.signals.views).toBeGreaterThan(0);
    expect(result.candidates[0]?.summary).toContain("Álvaro de Rújula");
  });

  it("reads search.list results with their HTML entities decoded", () => {
    const result = parseYouTube(fixture("youtube_v3_search_list_keywords_2019.json"));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.candidates).toHaveLength(25);
    const titles = result.candidates.map((c) => c.title);
    expect(titles).toContain("World's best surfing 2017");
    expect(titles).toContain("SURFING PERFECT PIPE & BACKDOOR || SUNRISE SHACK!");
    expect(result.candidates[0]?.signals.channel).toBe("Jamie O'Brien");
  });

  it("reads videos.list durations and view counts", () => {
    const result = parseYouTube(fixture("youtube_v3_videos_list_contentDetails_statistics_2019.json"));
    expect(result.ok && result.candidates[0]).toMatchObject({
      id: "youtube:D-lhorsDlUQ",
      signals: { durationSeconds: 1267, views: 7920, channel: "Google Developers" },
      published: "2019-03-21T20:37:49.000Z",
    });
  });

  it("reports API errors and garbage with their position", () => {
    const error = parseYouTube('{"error":{"code":403,"message":"quotaExceeded"}}');
    expect(!error.ok && error.error.message).toContain("quotaExceeded");
    const truncated = parseYouTube(fixture("youtube_channel_rss_feed_2021.xml").slice(0, 3000));
    expect(truncated).toMatchObject({
      ok: false,
      error: { source: "youtube", message: expect.stringMatching(/truncated/) },
    });
    expect(parseYouTube(fixture("youtube_v3_channels_list_2022.json"))).toMatchObject({
      ok: true,
      candidates: [],
    });
  });

  it("fetches a channel's feed by id, without a key", async () => {
    const ctx = testContext();
    const report = await fetchChannelFeed(ctx, "UCk195x4zYdMx4LhqEwhcPng");
    expect(ctx.calls[0]?.url).toBe(
      "https://www.youtube.com/feeds/videos.xml?channel_id=UCk195x4zYdMx4LhqEwhcPng",
    );
    expect(report.candidates).toHaveLength(15);
  });
});

describe("findAuthorTalks", () => {
  it("spends no quota without a key", async () => {
    const ctx = testContext();
    expect(await findAuthorTalks(ctx, pick("Sinkhorn attention", ["Gabriel Peyré"]))).toEqual([]);
    expect(ctx.calls).toEqual([]);
  });

  it("returns nothing when the search brings only unrelated videos", async () => {
    const ctx = testContext(undefined, { youtubeApiKey: "yt-key" });
    const talks = await findAuthorTalks(
      ctx,
      pick("Sinkhorn attention as entropic optimal transport", ["Gabriel Peyré"]),
    );
    expect(ctx.calls).toHaveLength(1);
    expect(new URL(ctx.calls[0]?.url ?? "").searchParams.get("type")).toBe("video");
    expect(talks).toEqual([]);
  });

  it("keeps a video whose title matches the pick, and looks up its duration", async () => {
    const ctx = testContext(undefined, { youtubeApiKey: "yt-key" });
    const talks = await findAuthorTalks(
      ctx,
      pick("Surfing giant waves in Hawaii: the Pipeline", ["Jamie O'Brien"]),
    );
    expect(talks.map((t) => t.id)).toContain("youtube:caj9z17kuyw");
    expect(talks.every((t) => /surf/i.test(t.title))).toBe(true);
    expect(talks.length).toBeLessThanOrEqual(3);
    expect(ctx.calls[1]?.url).toContain("/videos?");
  });
});
