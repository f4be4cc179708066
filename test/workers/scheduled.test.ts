/**
 * The morning cron through the Worker's own `scheduled` handler and the real queue: the build jobs
 * it fans out are consumed by the Worker's `queue` handler in the background, so each test waits
 * (`vi.waitFor`) for what a reader would see. Every test has a reader of its own (the recorded
 * payloads cover 2026-11-23 and 2026-11-24, so the days repeat).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { getIssue, listIssues } from "../../d1/issues";
import { ensureReader } from "../../d1/readers";
import { type PipelineRun, recentRuns } from "../../d1/runs";
import { demoProfile } from "../../src/demo-profile";
import type { Issue } from "../../src/issue";
import { expectCompleteIssue } from "../support/issue-checks";
import { MORNING_CRON, runCron } from "./crons";

const WAIT = { timeout: 20_000, interval: 200 };

/** The morning cron at `at`; returns the run it recorded. */
async function cron(at: string): Promise<PipelineRun> {
  await runCron(MORNING_CRON, new Date(at));
  const run = (await recentRuns(env.DB, 50)).find(
    (r) => r.trigger === "cron 0 6 * * *" && at.startsWith(r.date),
  );
  if (!run) throw new Error(`no run recorded for ${at}`);
  return run;
}

/** A reader with the demo reader's profile and nothing seen yet. */
async function newReader(id: string): Promise<string> {
  await ensureReader(env.DB, id, id, new Date());
  await env.READER_STATE.getByName(id).setProfile({ ...demoProfile, id });
  return id;
}

/** `readerId`'s issue of `date`, once the queue consumer has built it. */
async function issueOf(date: string, readerId = "demo"): Promise<Issue> {
  return vi.waitFor(async () => {
    const issue = await getIssue(env.DB, readerId, date);
    if (!issue) throw new Error(`no issue for ${date} yet`);
    return issue;
  }, WAIT);
}

/** When `readerId`'s issue of `date` was last fanned out to delivery (its build job's last step). */
async function fannedOutAt(date: string, readerId: string): Promise<string | null> {
  const row = await env.DB.prepare(
    "SELECT queued_at FROM delivery_fanouts WHERE reader_id = ? AND issue_date = ?",
  )
    .bind(readerId, date)
    .first<{ queued_at: string }>();
  return row?.queued_at ?? null;
}

describe("the morning cron", { timeout: 60_000 }, () => {
  it("gathers candidates, records the run and builds the demo reader's issue", async () => {
    const day = "2026-11-23";
    const run = await cron(`${day}T06:00:00Z`);
    const issue = await issueOf(day);
    expect(issue.title).toBe(`Daily Feed - ${day}`);
    expectCompleteIssue(issue);
    expect(issue.summary.split(" | ")).toContain(issue.items[0]?.title);
    expect(run.sourceCounts.arxiv?.candidates).toBeGreaterThan(1000);
    expect(run.finishedAt).not.toBeNull();
  });

  it("produces one issue, not two, when it runs twice for the same day", async () => {
    const reader = await newReader("twice");
    const day = "2026-11-24";
    await cron(`${day}T06:00:00Z`);
    const before = await issueOf(day, reader);
    const firstFanout = await vi.waitFor(async () => {
      const at = await fannedOutAt(day, reader);
      if (!at) throw new Error("not fanned out yet");
      return at;
    }, WAIT);
    await cron(`${day}T06:30:00Z`);
    // The second run's build job finds the issue and only fans delivery out again.
    await vi.waitFor(async () => expect(await fannedOutAt(day, reader)).not.toBe(firstFanout), WAIT);
    const issues = await listIssues(env.DB, reader, 50);
    expect(issues.filter((i) => i.date === day)).toHaveLength(1);
    expect(await getIssue(env.DB, reader, day)).toEqual(before);
  });

  it("never recommends the same work twice: the next day's issue skips everything already sent", async () => {
    // The demo reader (its feedback and seen set are seeded): its 11-23 issue is built here, or kept if built before.
    await cron("2026-11-23T06:00:00Z");
    const first = await issueOf("2026-11-23");
    await cron("2026-11-24T06:00:00Z");
    const next = await issueOf("2026-11-24");
    const ids = (i: Issue) => [...i.items.map((x) => x.candidateId), ...i.videos.map((v) => v.candidateId)];
    expect(next.items.length).toBeGreaterThanOrEqual(3);
    expect(ids(next).filter((id) => ids(first).includes(id))).toEqual([]);
  });
});
