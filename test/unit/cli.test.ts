import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Issue } from "../../src/issue";
import { splitSentences } from "../../src/writeup/abstract";
import { feed } from "../support/feed-cli";
import { expectCompleteIssue } from "../support/issue-checks";

const root = path.resolve(import.meta.dirname, "../..");
const fixtures = path.join(root, "test/fixtures");

/** A formula ($…$) or a quantified result (a number) — what a Concrete punch must carry. */
const QUANTIFIED = /\$[^$]+\$|\d/;

describe("feed build", () => {
  it("builds a complete issue from a replay of every recorded source", { timeout: 120_000 }, async () => {
    const { code, stdout } = await feed("build", "--date", "2026-11-23");
    expect(code).toBe(0);
    const issue = Issue.parse(JSON.parse(stdout));
    expect(issue.date).toBe("2026-11-23");
    expectCompleteIssue(issue);
    for (const item of issue.items) expect(item.punch).toMatch(QUANTIFIED);
    const sentences = issue.items.flatMap((i) =>
      splitSentences(i.intuition).map((s) => s.trim().toLowerCase()),
    );
    expect(new Set(sentences).size).toBe(sentences.length);
    expect(issue.countLine).toMatch(/^\d research items? \(.+\) \+ \d videos?$/);
  });

  it("builds from the payload files it is given", { timeout: 120_000 }, async () => {
    const { code, stdout } = await feed(
      "build",
      "--date",
      "2024-11-28",
      path.join(fixtures, "arxiv_rss_multi_archive_2024-11-28.xml"),
      path.join(fixtures, "hf_api_daily_papers_2024-10-25.json"),
    );
    expect(code).toBe(0);
    const issue = Issue.parse(JSON.parse(stdout));
    expect(issue.items.every((i) => i.url.startsWith("https://arxiv.org/abs/"))).toBe(true);
  });

  it("rejects a malformed date with a clear message", async () => {
    const { code, stderr } = await feed("build", "--date", "2026-02-30");
    expect(code).toBe(2);
    expect(stderr).toContain("not a calendar date");
  });
});

describe("feed render", () => {
  const example = path.join(fixtures, "issue-2026-02-13.json");

  it("renders the issue's Markdown with front matter", async () => {
    const { code, stdout } = await feed("render", example, "--channel", "markdown");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^---\ntitle: "Daily Feed - 2026-02-13"\n/);
    expect(stdout).toContain("**Concrete punch:** EOT solves");
  });

  it("renders the web page with typeset math", async () => {
    const { stdout } = await feed("render", example, "--channel", "web");
    expect(stdout).toContain("<!doctype html>");
    expect(stdout).toContain('class="katex');
  });

  it("renders Telegram messages under the length limit", async () => {
    const { stdout } = await feed("render", example, "--channel", "telegram");
    const messages = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { text: string });
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(m.text.length).toBeLessThanOrEqual(4096);
  });

  it("renders the email with a subject, text and HTML", async () => {
    const { stdout } = await feed("render", example, "--channel", "email");
    expect(stdout).toMatch(/^Subject: .*2026-02-13/);
    expect(stdout).toContain("----- HTML -----");
  });

  it("refuses a file that is not an issue", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "feed-"));
    const bad = path.join(dir, "bad.json");
    await writeFile(bad, JSON.stringify({ date: "yesterday" }));
    const { code, stderr } = await feed("render", bad, "--channel", "web");
    expect(code).toBe(1);
    expect(stderr).toContain("not a valid issue");
  });

  it("names the channels when none is given", async () => {
    const { code, stderr } = await feed("render", example);
    expect(code).toBe(2);
    expect(stderr).toContain("web|markdown|email|telegram");
  });
});

describe("feed", () => {
  it("lists its commands and rejects unknown ones", async () => {
    const help = await feed("--help");
    expect(help.stdout).toContain("parse [<source>] <file>");
    const unknown = await feed("frobnicate");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command");
  });
});
