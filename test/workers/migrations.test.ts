import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { candidatesByIds, candidatesOfDay, upsertCandidates } from "../../d1/candidates";
import { getIssue, insertIssue, listIssues } from "../../d1/issues";
import { ensureReader } from "../../d1/readers";
import { countIssueBuilt, getRun, recordIngest, startRun } from "../../d1/runs";
import type { Candidate } from "../../src/candidate";
import { Issue } from "../../src/issue";
import example from "../fixtures/issue-2026-02-13.json";

const paper: Candidate = {
  id: "arxiv:2602.03067",
  kind: "paper",
  title: "FlashSinkhorn: IO-Aware Entropic Optimal Transport",
  summary: "Entropic optimal transport via Sinkhorn iterations…",
  url: "https://arxiv.org/abs/2602.03067",
  authors: ["A. Author"],
  categories: ["cs.LG"],
  aliases: ["arxiv:2602.03067v2", "doi:10.48550/arxiv.2602.03067"],
  sources: ["arxiv"],
  signals: { announceType: "new" },
};

describe("D1 schema", () => {
  it("creates every table the feed stores into", async () => {
    const { results } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{
      name: string;
    }>();
    const names = results.map((r) => r.name);
    for (const t of [
      "readers",
      "candidates",
      "candidate_aliases",
      "issues",
      "issue_items",
      "subscriptions",
      "pipeline_runs",
    ]) {
      expect(names).toContain(t);
    }
  });

  it("stores one issue per reader and day, keeping the first", async () => {
    await ensureReader(env.DB, "demo", "Demo", new Date());
    const issue = Issue.parse(example);
    expect(await insertIssue(env.DB, issue)).toBe(true);
    expect(await insertIssue(env.DB, { ...issue, title: "changed" })).toBe(false);
    expect((await getIssue(env.DB, "demo", "2026-02-13"))?.title).toBe("Daily Feed - 2026-02-13");
    expect(await listIssues(env.DB, "demo", 10)).toHaveLength(1);
    const items = await env.DB.prepare(
      "SELECT count(*) AS n FROM issue_items WHERE date = '2026-02-13'",
    ).first<{
      n: number;
    }>();
    expect(items?.n).toBe(5);
  });

  it("upserts candidates with their aliases and finds them again by day and id", async () => {
    await upsertCandidates(env.DB, [paper], "2026-02-13");
    await upsertCandidates(
      env.DB,
      [{ ...paper, signals: { ...paper.signals, hfUpvotes: 12 } }],
      "2026-02-14",
    );
    expect(await candidatesOfDay(env.DB, "2026-02-13")).toHaveLength(0);
    const [again] = await candidatesOfDay(env.DB, "2026-02-14");
    expect(again?.signals.hfUpvotes).toBe(12);
    expect(await candidatesByIds(env.DB, ["arxiv:2602.03067", "arxiv:0000.00000"])).toHaveLength(1);
    const alias = await env.DB.prepare("SELECT candidate_id FROM candidate_aliases WHERE alias = ?")
      .bind("arxiv:2602.03067v2")
      .first<{ candidate_id: string }>();
    expect(alias?.candidate_id).toBe("arxiv:2602.03067");
  });

  it("records a pipeline run with per-source counts and errors", async () => {
    await startRun(env.DB, "run-1", "2026-02-13", "test", new Date());
    await recordIngest(env.DB, "run-1", { arxiv: { candidates: 10, failures: 0, quiet: false } }, [
      { source: "semanticscholar", kind: "http", message: "429", status: 429 },
    ]);
    await countIssueBuilt(env.DB, "run-1");
    const run = await getRun(env.DB, "run-1");
    expect(run).toMatchObject({
      status: "degraded",
      issuesBuilt: 1,
      sourceCounts: { arxiv: { candidates: 10 } },
    });
    expect(run?.errors[0]?.status).toBe(429);
  });
});
