/**
 * The morning at 1,000 readers, through the real cron and the real queue consumer in the Workers
 * runtime: every reader gets its own issue, and the writer runs once per distinct pick.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { createReader } from "../../d1/readers";
import { profileForReader } from "../../src/signup";
import daily from "../fixtures/hf_api_daily_papers_2024-10-25.json";
import { readerInterests } from "../support/reader-interests";
import { morningCron } from "./crons";

const READERS = 1000;
const DAY = "2026-11-23";

describe("the morning at 1,000 readers", () => {
  it("builds every reader's own issue through the queue consumer, writing each distinct pick once", {
    timeout: 600_000,
  }, async () => {
    const titles = (daily as { paper: { title: string } }[]).map((d) => d.paper.title);
    const now = new Date("2026-11-22T12:00:00Z");
    const ids: string[] = [];
    for (let i = 0; i < READERS; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, READERS - i) }, async (_, j) => {
          const reader = await createReader(env.DB, { name: "Reader", now });
          const interests = readerInterests(i + j, titles);
          await env.READER_STATE.getByName(reader.id).setProfile(
            profileForReader(reader.id, { interests, categories: [], references: [] }, null),
          );
          return reader.id;
        }),
      );
      ids.push(...batch);
    }

    await morningCron(DAY);

    const built = await vi.waitFor(
      async () => {
        const row = await env.DB.prepare("SELECT count(*) AS n FROM issues WHERE date = ?")
          .bind(DAY)
          .first<{ n: number }>();
        if ((row?.n ?? 0) < READERS + 1) throw new Error(`${row?.n} issues so far`);
        return row?.n ?? 0;
      },
      { timeout: 580_000, interval: 1000 },
    );
    expect(built).toBe(READERS + 1);

    const picks = await env.DB.prepare(
      "SELECT count(DISTINCT candidate_id) AS distinct_picks, count(*) AS picks FROM issue_items WHERE date = ? AND kind != 'video'",
    )
      .bind(DAY)
      .first<{ distinct_picks: number; picks: number }>();
    const written = await env.DB.prepare("SELECT count(*) AS n FROM writeups WHERE date = ?")
      .bind(DAY)
      .first<{ n: number }>();
    // The writer ran once per distinct pick, not once per reader and pick.
    expect(written?.n).toBe(picks?.distinct_picks);
    expect(picks?.picks ?? 0).toBeGreaterThan(2 * (picks?.distinct_picks ?? 0));
    // Different readers got different issues.
    const summaries = await env.DB.prepare("SELECT count(DISTINCT summary) AS n FROM issues WHERE date = ?")
      .bind(DAY)
      .first<{ n: number }>();
    expect(summaries?.n ?? 0).toBeGreaterThan(100);
    console.log(
      JSON.stringify({
        readers: READERS,
        issues: built,
        ...picks,
        writerCalls: written?.n,
        distinctIssues: summaries?.n,
      }),
    );
  });
});
