import { describe, expect, it } from "vitest";
import { Candidate } from "../../../src/candidate";
import { demoFeedback, demoProfile, demoRules, demoSeen } from "../../../src/demo-profile";
import { identityKeys } from "../../../src/identity";
import { MIN_RELEVANCE, rankCandidates, readerModelFromProfile } from "../../../src/scoring";
import { selectIssue } from "../../../src/select";
import { gatherDaily } from "../../../src/sources/index";
import { talkLibrary, talkLibraryCandidates } from "../../../src/sources/talks";
import { replay, testContext } from "./support";

const request = {
  date: "2024-10-25",
  categories: ["cs.LG", "stat.ML"],
  interests: ["optimal transport"],
  youtubeChannels: ["UCk195x4zYdMx4LhqEwhcPng"],
};

const libraryIds = new Set(talkLibrary.map((t) => `youtube:${t.id}`));

describe("talk library", () => {
  it("holds only valid video candidates with unique 11-character YouTube ids", () => {
    const candidates = talkLibraryCandidates();
    expect(candidates.length).toBe(talkLibrary.length);
    expect(candidates.length).toBeGreaterThanOrEqual(20);
    for (const c of candidates) {
      expect(() => Candidate.parse(c)).not.toThrow();
      expect(c.kind).toBe("video");
      expect(c.sources).toEqual(["youtube"]);
      const videoId = c.id.slice("youtube:".length);
      expect(videoId).toMatch(/^[A-Za-z0-9_-]{11}$/);
      expect(c.url).toBe(`https://www.youtube.com/watch?v=${videoId}`);
      expect(c.summary.length).toBeGreaterThan(40);
    }
    expect(new Set(candidates.map((c) => c.id)).size).toBe(candidates.length);
  });

  it("records where every talk was verified, and dates only those with a stated year", () => {
    for (const talk of talkLibrary) {
      expect(talk.verifiedFrom.trim(), talk.title).not.toBe("");
      expect(talk.verifiedFrom).toMatch(/^(https?:\/\/|[\w.-]+\/[\w.-]+:|\/work\/shared\/)/);
    }
    const byId = new Map(talkLibraryCandidates().map((c) => [c.id, c]));
    for (const talk of talkLibrary) {
      const c = byId.get(`youtube:${talk.id}`);
      expect(c?.published).toBe(talk.year === undefined ? undefined : String(talk.year));
      expect(c?.signals.durationSeconds).toBe(talk.durationSeconds);
    }
  });

  it("covers the reader's quantitative-finance side, not only machine learning", () => {
    const quant = talkLibrary.filter((t) =>
      t.topics.some((topic) =>
        ["market microstructure", "optimal control", "HJB equation", "quantitative finance"].includes(topic),
      ),
    );
    expect(quant.length).toBeGreaterThanOrEqual(4);
  });
});

describe("gatherDaily with the talk library", () => {
  it("puts every library talk in the day's pool without counting it as fetched YouTube", async () => {
    const { candidates, reports } = await gatherDaily(testContext(), request);
    const ids = new Set(candidates.map((c) => c.id));
    for (const id of libraryIds) expect(ids.has(id), id).toBe(true);
    const youtube = reports.find((r) => r.source === "youtube");
    expect(youtube?.failures).toEqual([]);
    expect(youtube?.candidates.length).toBeGreaterThan(0);
    expect(youtube?.candidates.some((c) => libraryIds.has(c.id))).toBe(false);
  });

  it("still offers the library when the YouTube feeds are down, with only the feed as the failure", async () => {
    const youtubeDown: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.hostname.endsWith("youtube.com")) throw new TypeError(`getaddrinfo ENOTFOUND ${url.hostname}`);
      return replay(input, init);
    };
    const { candidates, reports } = await gatherDaily(testContext(youtubeDown), request);
    const ids = new Set(candidates.map((c) => c.id));
    for (const id of libraryIds) expect(ids.has(id), id).toBe(true);
    const youtube = reports.find((r) => r.source === "youtube");
    expect(youtube?.candidates).toEqual([]);
    expect(youtube?.failures.length).toBeGreaterThan(0);
    for (const f of youtube?.failures ?? []) {
      for (const talk of talkLibrary) expect(f.message).not.toContain(talk.id);
    }
  });
});

describe("the library for the demo reader", () => {
  const model = readerModelFromProfile(demoProfile, demoRules, demoFeedback);
  const seenKeys = new Set(demoSeen.flatMap((s) => s.keys));
  const isSeen = (c: Candidate) => identityKeys(c).some((k) => seenKeys.has(k));

  it("ranks several talks above the relevance bar", async () => {
    const ranked = await rankCandidates(talkLibraryCandidates(), model, {
      now: new Date("2026-02-14T12:00:00Z"),
    });
    const relevant = ranked.filter((s) => s.relevance >= MIN_RELEVANCE);
    expect(relevant.length).toBeGreaterThanOrEqual(5);
    // Relevant talks spread over several of the reader's interests, not one.
    expect(new Set(relevant.map((s) => s.cluster)).size).toBeGreaterThanOrEqual(3);
  });

  it("fills the mandatory daily videos from the library alone, with unseen talks", async () => {
    const ranked = await rankCandidates(talkLibraryCandidates(), model, {
      now: new Date("2026-02-14T12:00:00Z"),
    });
    const selection = selectIssue(ranked, { rules: demoRules, isSeen });
    expect(selection.wants.minVideos).toBe(1);
    expect(selection.videos).toHaveLength(selection.wants.maxVideos);
    expect(selection.videos.length).toBeGreaterThanOrEqual(2);
    for (const v of selection.videos) {
      expect(libraryIds.has(v.candidate.id)).toBe(true);
      expect(isSeen(v.candidate)).toBe(false);
      expect(v.relevance).toBeGreaterThanOrEqual(MIN_RELEVANCE);
    }
    expect(selection.notes.some((n) => n.includes("talk"))).toBe(false);
  });
});
