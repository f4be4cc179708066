import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Candidate } from "../../src/candidate";
import { demoProfile, demoRules } from "../../src/demo-profile";
import { type ComposeInput, composeIssue, countLine } from "../../src/pipeline";
import { readerModelFromProfile } from "../../src/scoring";
import { parsePayload } from "../../src/sources";
import { talkLibraryCandidates } from "../../src/sources/talks";
import { deterministicWriter } from "../../src/writeup/deterministic";

const fixtures = path.join(import.meta.dirname, "../fixtures");

function parsed(source: "arxiv" | "huggingface", file: string): Candidate[] {
  const result = parsePayload(source, readFileSync(path.join(fixtures, file), "utf8"));
  if (!result.ok) throw new Error(result.error.message);
  return result.candidates;
}

const day = [
  ...parsed("arxiv", "arxiv_rss_multi_archive_2024-11-28.xml"),
  ...parsed("huggingface", "hf_api_daily_papers_2024-10-25.json"),
  ...talkLibraryCandidates(),
];

function input(overrides: Partial<ComposeInput> = {}): ComposeInput {
  return {
    readerId: "demo",
    date: "2024-11-28",
    now: new Date("2024-11-28T06:00:00Z"),
    pool: day,
    model: readerModelFromProfile(demoProfile, demoRules, []),
    profile: demoProfile,
    rules: demoRules,
    feedback: [],
    failures: [],
    quiet: [],
    writer: deterministicWriter,
    lookups: { authorTalks: async () => [], discussion: async () => undefined },
    ...overrides,
  };
}

describe("composeIssue", () => {
  it("names a source that failed in the notes and still builds the day from the others", async () => {
    const { issue } = await composeIssue(
      input({
        failures: [{ source: "semanticscholar", kind: "http", message: "Too Many Requests", status: 429 }],
      }),
    );
    expect(issue.items.length).toBeGreaterThanOrEqual(3);
    expect(issue.notes).toContain(
      "Semantic Scholar could not be read today (HTTP 429); today's picks come from the other sources.",
    );
  });

  it("says so on a quiet arXiv day instead of treating it as a failure", async () => {
    const { issue } = await composeIssue(
      input({ pool: parsed("huggingface", "hf_api_daily_papers_2024-10-25.json"), quiet: ["arxiv"] }),
    );
    expect(issue.notes.some((n) => n.startsWith("arXiv made no announcements today"))).toBe(true);
  });

  it("says the pool is thin instead of padding the issue with weak picks", async () => {
    const offTopic = parsed("arxiv", "arxiv_rss_multi_archive_2024-11-28.xml").filter((c) =>
      c.categories.every((cat) => cat.startsWith("astro-ph")),
    );
    const { issue } = await composeIssue(input({ pool: offTopic }));
    expect(issue.items.length).toBeLessThan(3);
    expect(issue.notes.some((n) => n.startsWith("Thin day:"))).toBe(true);
    expect(issue.countLine).toBe(countLine(issue.items, issue.videos));
  });

  it("links an author talk to its pick and reports everything it showed for the seen set", async () => {
    const talk = talkLibraryCandidates()[0];
    if (!talk) throw new Error("no talk in the library");
    let asked = 0;
    const { issue, shown } = await composeIssue(
      input({
        lookups: {
          authorTalks: async () => (asked++ === 0 ? [talk] : []),
          discussion: async () => undefined,
        },
      }),
    );
    const authorTalk = issue.videos.find((v) => v.kind === "author-talk");
    expect(authorTalk?.forItem).toBe(issue.items[0]?.candidateId);
    const shownIds = shown.map((c) => c.id);
    for (const id of [...issue.items.map((i) => i.candidateId), ...issue.videos.map((v) => v.candidateId)]) {
      expect(shownIds).toContain(id);
    }
  });
});
