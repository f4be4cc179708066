import { copyFile, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sourceOfFile } from "../../src/cli/payloads";
import { detectSource } from "../../src/sources/detect";
import { feed } from "../support/feed-cli";

const root = path.resolve(import.meta.dirname, "../..");
const fixtures = path.join(root, "test/fixtures");

/** Payloads whose content names no source: the same shape comes from two of them, or from none. */
const AMBIGUOUS = new Set([
  "s2_graph_error_404_paper_not_found.json", // {"error": "…"}: Hugging Face errors look the same
  "s2_recommendations_error_400.json",
]);

describe("telling a payload's source from its content", () => {
  it("recognises every recorded payload of every source without its file name", async () => {
    const files = (await readdir(fixtures)).filter((f) => sourceOfFile(f) !== undefined && !AMBIGUOUS.has(f));
    expect(files.length).toBeGreaterThan(25);
    for (const f of files) {
      expect(detectSource(await readFile(path.join(fixtures, f), "utf8")), f).toBe(sourceOfFile(f));
    }
  });

  it("says nothing for content no source produces", () => {
    for (const body of ["", "hello", "[]", "{}", '{"error":"x"}', "<html><body>hi</body></html>", "{bad"])
      expect(detectSource(body), body).toBeUndefined();
  });
});

describe("the CLI with files whose names say nothing", () => {
  it("ranks payloads named only by their content", { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "feed-detect-"));
    const day = path.join(dir, "day.xml");
    const papers = path.join(dir, "papers.json");
    await copyFile(path.join(fixtures, "arxiv_rss_multi_archive_2024-11-28.xml"), day);
    await copyFile(path.join(fixtures, "hf_api_daily_papers_2024-10-25.json"), papers);
    const { code, stdout } = await feed("rank", "--profile", "demo", "--limit", "5", day, papers);
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(5);
    const parsed = await feed("parse", papers);
    expect(parsed.code).toBe(0);
    expect(parsed.stderr).toContain("huggingface:");
  });

  it("fails without printing a partial ranking when a file's source cannot be told", {
    timeout: 120_000,
  }, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "feed-detect-"));
    const day = path.join(dir, "day.xml");
    const holdout = path.join(dir, "holdout.xml");
    await copyFile(path.join(fixtures, "arxiv_rss_multi_archive_2024-11-28.xml"), day);
    await writeFile(holdout, "<notes><note>not a feed</note></notes>");
    for (const command of ["rank", "build"]) {
      const args = command === "rank" ? ["--profile", "demo"] : ["--date", "2024-11-28"];
      const { code, stdout, stderr } = await feed(command, ...args, day, holdout);
      expect(code, command).toBe(2);
      expect(stdout, command).toBe("");
      expect(stderr).toContain("holdout.xml: cannot tell the source");
    }
    const parsed = await feed("parse", holdout);
    expect(parsed.code).toBe(2);
    expect(parsed.stdout).toBe("");
  });

  it("exits non-zero when a named file does not parse, after printing what the others gave", {
    timeout: 120_000,
  }, async () => {
    const { code, stdout, stderr } = await feed(
      "rank",
      "--profile",
      "demo",
      "--limit",
      "3",
      path.join(fixtures, "arxiv_rss_multi_archive_2024-11-28.xml"),
      path.join(fixtures, "arxiv_api_error_400_incorrect_id.xml"),
    );
    expect(code).toBe(1);
    expect(stdout.trim().split("\n")).toHaveLength(3);
    expect(stderr).toContain("arxiv_api_error_400_incorrect_id.xml");
  });
});
