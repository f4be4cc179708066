import { describe, expect, it } from "vitest";
import {
  enrichTool,
  fetchReadmeExcerpt,
  parseGitHub,
  readmeExcerpt,
  searchGitHubTools,
} from "../../../src/sources/github";
import { fixture, header, replay, testContext } from "./support";

describe("GitHub payloads", () => {
  it("reads a repository search: ids, stars, last push, language", () => {
    const result = parseGitHub(fixture("github_search_repositories_github3py_2017.json"));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.candidates).toHaveLength(8);
    expect(result.candidates[0]).toMatchObject({
      id: "github:sigmavirus24/github3.py",
      kind: "tool",
      title: "sigmavirus24/github3.py",
      summary: "Python library for interfacing with the GitHub APIv3",
      url: "https://github.com/sigmavirus24/github3.py",
      signals: { stars: 637, forks: 223, pushedAt: "2017-02-05T15:00:49.000Z", language: "Python" },
    });
    expect(result.candidates.map((c) => c.id)).toContain("github:kennethreitz-archive/python-github3");
  });

  it("reads one repository with its topics", () => {
    const result = parseGitHub(fixture("github_repo_octokit-fixture-org_hello-world_2022.json"));
    expect(result.ok && result.candidates[0]).toMatchObject({
      id: "github:octokit-fixture-org/hello-world",
      summary: "",
      signals: {
        stars: 0,
        topics: ["fixtures", "hello", "hello-world"],
        pushedAt: "2017-11-03T20:11:46.000Z",
      },
    });
  });

  it("reports the 422 validation error with GitHub's message, and issue searches as holding no tools", () => {
    const error = parseGitHub(fixture("github_error_422_validation_failed.json"));
    expect(error).toMatchObject({ ok: false, error: { source: "github" } });
    expect(!error.ok && error.error.message).toContain("Validation Failed");
    const issues = parseGitHub(fixture("github_search_issues_octokit_2022.json"));
    expect(issues).toMatchObject({ ok: true, candidates: [], note: expect.stringContaining("issues") });
  });
});

describe("GitHub fetching", () => {
  it("searches once per interest, with the token when set, spaced to respect the search limit", async () => {
    const ctx = testContext(undefined, { githubToken: "ghp_test" });
    const report = await searchGitHubTools(ctx, ["optimal transport", "sinkhorn"], "2026-02-13");
    expect(ctx.calls).toHaveLength(2);
    const q = new URL(ctx.calls[0]?.url ?? "").searchParams.get("q");
    expect(q).toContain('"optimal transport" in:name,description,topics');
    expect(q).toContain("pushed:>=2025-02-13");
    expect(new URL(ctx.calls[1]?.url ?? "").searchParams.get("q")).toContain("topic:sinkhorn");
    expect(header(ctx.calls[0], "authorization")).toBe("Bearer ghp_test");
    expect(ctx.sleeps).toEqual([2000]);
    // The same repositories from both searches are one candidate each.
    expect(report.candidates).toHaveLength(8);
  });

  it("handles a repository without a README: no excerpt, details still there", async () => {
    const ctx = testContext();
    expect(await fetchReadmeExcerpt(ctx, "sigmavirus24/github3.py")).toBeUndefined();
    const search = parseGitHub(fixture("github_search_repositories_github3py_2017.json"));
    const tool = search.ok ? search.candidates[0] : undefined;
    if (!tool) throw new Error("fixture has repositories");
    const enriched = await enrichTool(ctx, tool);
    expect(enriched.signals.readme).toBeUndefined();
    expect(enriched.signals.stars).toBe(744);
  });

  it("reads the raw README as a prose excerpt", async () => {
    const ctx = testContext(async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.endsWith("/readme")) {
        return new Response(
          "# github3.py\n\n[![Build](https://img.shields.io/x.svg)](https://ci)\n\ngithub3.py is a comprehensive, actively developed and extraordinarily stable wrapper around the GitHub API (v3).\n\n```py\nimport github3\n```\n",
        );
      }
      return replay(input, init);
    });
    expect(await fetchReadmeExcerpt(ctx, "sigmavirus24/github3.py")).toBe(
      "github3.py github3.py is a comprehensive, actively developed and extraordinarily stable wrapper around the GitHub API (v3).",
    );
    expect(header(ctx.calls[0], "accept")).toBe("application/vnd.github.raw+json");
    expect(readmeExcerpt("a ".repeat(1000), 50)?.length).toBeLessThanOrEqual(51);
  });
});
