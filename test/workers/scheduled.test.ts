import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getIssue, listIssues } from "../../d1/issues";
import { recentRuns } from "../../d1/runs";
import type { Issue } from "../../src/issue";
import worker from "../../workers/index";
import { expectCompleteIssue } from "../support/issue-checks";

const DAY = "2026-11-23";

async function cron(at: string) {
  const controller = createScheduledController({ scheduledTime: new Date(at), cron: "0 6 * * *" });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

/** The build jobs go through the real queue; the consumer runs shortly after. */
async function issueOf(date: string, timeoutMs = 20_000): Promise<Issue> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const issue = await getIssue(env.DB, "demo", date);
    if (issue) return issue;
    if (Date.now() > deadline) throw new Error(`no issue for ${date} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("the morning cron", { timeout: 30_000 }, () => {
  it("gathers candidates, records the run and builds the demo reader's issue", async () => {
    await cron(`${DAY}T06:00:00Z`);
    const issue = await issueOf(DAY);
    expect(issue.title).toBe(`Daily Feed - ${DAY}`);
    expectCompleteIssue(issue);
    expect(issue.summary.split(" | ")).toContain(issue.items[0]?.title);

    const [run] = await recentRuns(env.DB, 1);
    expect(run?.date).toBe(DAY);
    expect(run?.sourceCounts.arxiv?.candidates).toBeGreaterThan(1000);
    expect(run?.finishedAt).not.toBeNull();
  });

  it("produces one issue, not two, when it runs twice for the same day", async () => {
    const before = await getIssue(env.DB, "demo", DAY);
    await cron(`${DAY}T06:30:00Z`);
    // Give the second run's build job time to be consumed.
    await new Promise((r) => setTimeout(r, 3000));
    const issues = await listIssues(env.DB, "demo", 10);
    expect(issues.filter((i) => i.date === DAY)).toHaveLength(1);
    expect(await getIssue(env.DB, "demo", DAY)).toEqual(before);
  });

  it("never recommends the same work twice: the next day's issue skips everything already sent", async () => {
    const first = await issueOf(DAY);
    await cron("2026-11-24T06:00:00Z");
    const next = await issueOf("2026-11-24");
    const ids = (i: Issue) => [...i.items.map((x) => x.candidateId), ...i.videos.map((v) => v.candidateId)];
    expect(next.items.length).toBeGreaterThanOrEqual(3);
    expect(ids(next).filter((id) => ids(first).includes(id))).toEqual([]);
  });
});
