import { describe, expect, it } from "vitest";
import { sourceConfigFromVars } from "../../../src/sources/index";

describe("sourceConfigFromVars", () => {
  it("reads wrangler's vars and secrets, blank secrets counting as unset", () => {
    const config = sourceConfigFromVars({
      ARXIV_RSS_URL: "http://localhost:8787/replay/rss/",
      ARXIV_CATEGORIES: "cs.LG, stat.ML,math.OC",
      S2_API_KEY: "s2",
      GITHUB_TOKEN: "",
      YOUTUBE_API_KEY: "  ",
      SITE_URL: "https://feed.example",
    });
    expect(config.arxivRssUrl).toBe("http://localhost:8787/replay/rss");
    expect(config.arxivCategories).toEqual(["cs.LG", "stat.ML", "math.OC"]);
    expect(config.s2ApiKey).toBe("s2");
    expect(config.githubToken).toBeUndefined();
    expect(config.youtubeApiKey).toBeUndefined();
    expect(config.userAgent).toContain("https://feed.example");
    expect(config.hfApiUrl).toBe("https://huggingface.co/api");
  });

  it("names every bad variable in one clear error", () => {
    expect(() =>
      sourceConfigFromVars({ HF_API_URL: "not a url", ARXIV_CATEGORIES: "cs.LG,not a category!" }),
    ).toThrow(/HF_API_URL.*ARXIV_CATEGORIES|ARXIV_CATEGORIES.*HF_API_URL/);
  });
});
