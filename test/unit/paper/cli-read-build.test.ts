import { copyFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Issue } from "../../../src/issue";
import { PaperContext } from "../../../src/paper";
import { feed } from "../../support/feed-cli";
import { FIXTURES_DIR } from "./fixtures";

const fixture = (name: string) => path.join(FIXTURES_DIR, name);
const DAY_PAYLOADS = [
  "arxiv_rss_multi_archive_2024-11-28.xml",
  "hf_api_daily_papers_2024-10-25.json",
  "youtube_v3_search_list_keywords_2019.json",
  "youtube_channel_rss_feed_2021.xml",
  "github_search_repositories_github3py_2017.json",
].map(fixture);

/** `feed build` of the recorded day for the demo profile from its payload files and `extra`; the issue it printed. */
async function buildDay(...extra: string[]): Promise<Issue> {
  const { code, stdout } = await feed(
    "build",
    "--date",
    "2024-11-29",
    "--profile",
    "demo",
    ...DAY_PAYLOADS,
    ...extra,
  );
  expect(code).toBe(0);
  return Issue.parse(JSON.parse(stdout));
}

describe("feed read", { timeout: 60_000 }, () => {
  it("prints what was extracted from a multi-file e-print as JSON", async () => {
    const { code, stdout } = await feed("read", fixture("eprint_1907.10121.tar.gz"));
    expect(code).toBe(0);
    const paper = PaperContext.parse(JSON.parse(stdout));
    expect(paper.arxivId).toBe("1907.10121");
    expect(paper.mainFile).toBe("paper.tex");
    expect(paper.inputs).toHaveLength(7);
    expect(paper.macros.code?.params).toBe(1);
  });

  it("prints equations with their context, theorems and contributions", async () => {
    const { code, stdout } = await feed("read", fixture("eprint_1803.07574.tar.gz"));
    expect(code).toBe(0);
    const paper = PaperContext.parse(JSON.parse(stdout));
    expect(paper.equations[paper.central ?? -1]?.before).toMatch(/linear system:$/);
    expect(paper.contributions.length).toBeGreaterThan(0);
  });

  it("fails clearly, with a non-zero exit, on a bad archive", async () => {
    for (const [file, why] of [
      ["eprint_error_truncated.tar.gz", /cut short \(truncated\)/],
      ["eprint_error_no_documentclass.tar.gz", /no file of the e-print has a \\documentclass/],
      ["eprint_error_pdf_only.pdf", /PDF-only submission/],
    ] as const) {
      const { code, stdout, stderr } = await feed("read", fixture(file));
      expect(code, file).toBe(1);
      expect(stdout).toBe("");
      expect(stderr).toMatch(why);
    }
    expect((await feed("read")).code).toBe(2);
  });
});

describe("feed build with e-print files and payload files", { timeout: 120_000 }, () => {
  it("uses an e-print named after a pick for that pick's Concrete punch", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "feed-eprint-"));
    // the day's top pick is arXiv:2411.18268; a recorded real e-print stands in for its source
    const named = path.join(dir, "eprint_2411.18268.tar.gz");
    await copyFile(fixture("eprint_1803.07574.tar.gz"), named);
    const issue = await buildDay(named);
    const item = issue.items.find((i) => i.candidateId === "arxiv:2411.18268");
    expect(item?.punch).toContain("The direct model for water propagation");
    // the other picks had no source: the notes say so, and do not name the one that had
    const note = issue.notes.find((n) => n.startsWith("Only the abstract was available"));
    expect(note).toBeDefined();
    expect(note).not.toContain(item?.title ?? "?");
  });

  it("honours the daily-video rule from payload files too, with notes that match the issue", async () => {
    const issue = await buildDay();
    expect(issue.videos.length).toBeGreaterThanOrEqual(1);
    const notes = issue.notes.join(" ");
    expect(notes).not.toMatch(/Only 0 of|No talk matched/);
    if (/standalone talks? (?:is|are) the day's video/.test(notes)) {
      expect(issue.videos.some((v) => v.kind === "standalone")).toBe(true);
    }
    for (const v of issue.videos.filter((x) => x.reason.startsWith("Companion to"))) {
      expect(v.reason).toMatch(/Why it fits: the pick and the talk share /);
    }
  });
});
