/**
 * The Worker's real `queue` handler on the pipeline's queue and its dead-letter queue: mixed batches
 * of build and delivery jobs, a job that fails for good, one reader's build failing among others.
 * The queue is played by test/workers/queue-harness.ts (what Cloudflare Queues does: batches,
 * retries, the dead-letter queue after `max_retries`), so no consumer runs behind the test's back.
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DeadLetter } from "../../d1/dead-letters";
import { getIssue, insertIssue } from "../../d1/issues";
import { deliveryCounts, seedDeliveries } from "../../d1/ledger";
import { Issue } from "../../src/issue";
import worker from "../../workers/index";
import example from "../fixtures/issue-2026-02-13.json";
import { morningCron } from "./crons";
import { emailReader as reader, received } from "./mail-readers";
import { runQueue, TestQueue } from "./queue-harness";

/** Reader `id` (demo profile, `emails` email subscriptions) whose issue of `date` is built, its deliveries pending. */
async function readerBeingDelivered(id: string, emails: number, date: string): Promise<void> {
  await reader(id, emails, true);
  await insertIssue(env.DB, Issue.parse({ ...example, readerId: id, date }));
  await seedDeliveries(env.DB, id, date, new Date());
}

/** One delivery job per email subscription of `readerId` (as `emailReader` numbers them), first attempt. */
function pushDeliveries(queue: TestQueue, readerId: string, date: string, emails: number): void {
  for (let i = 0; i < emails; i++) {
    queue.push({ type: "deliver", readerId, date, subscriptionId: `${readerId}-s${i}`, channel: "email" }, 1);
  }
}

async function deadLetters(): Promise<DeadLetter[]> {
  const res = await worker.fetch(
    new Request("https://feed.example/admin/dead", {
      headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` },
    }),
    env,
    createExecutionContext(),
  );
  expect(res.status).toBe(200);
  return (await res.json()) as DeadLetter[];
}

describe("the queue handler", { timeout: 60_000 }, () => {
  it("builds and delivers from one mixed batch of build and delivery jobs", async () => {
    const date = "2026-10-05";
    // Yesterday's issue of one reader is still being delivered when today's build jobs arrive.
    await readerBeingDelivered("mixed-old", 3, date);
    await reader("mixed-new", 2, true);
    const queue = new TestQueue();
    await morningCron(date, queue.env(env));
    pushDeliveries(queue, "mixed-old", date, 3);
    const kinds = queue.waiting.map((m) => (m.body as { type: string }).type);
    expect(kinds).toContain("build");
    expect(kinds).toContain("deliver");

    const run = await runQueue(queue, env);
    expect(run.dead).toEqual([]);
    expect(await getIssue(env.DB, "mixed-new", date)).not.toBeNull();
    expect(await received("mixed-old")).toEqual([
      "mixed-old-0@example.org",
      "mixed-old-1@example.org",
      "mixed-old-2@example.org",
    ]);
    expect(await received("mixed-new")).toEqual(["mixed-new-0@example.org", "mixed-new-1@example.org"]);
  });

  it("records a poison message in the dead letters after its retries, while the rest of its batch is delivered", async () => {
    const date = "2026-10-06";
    await readerBeingDelivered("healthy", 5, date);
    // A build job for a reader whose state is gone: it throws on every attempt.
    await reader("ghost", 0, false);
    const queue = new TestQueue();
    queue.push({ type: "build", readerId: "ghost", date, runId: "poison-run" }, 1);
    pushDeliveries(queue, "healthy", date, 5);

    const run = await runQueue(queue, env);
    expect(await received("healthy")).toHaveLength(5);
    expect(await deliveryCounts(env.DB, "healthy", date)).toMatchObject({ sent: 5, pending: 0 });
    expect(run.dead).toEqual([{ type: "build", readerId: "ghost", date, runId: "poison-run" }]);
    const dead = (await deadLetters()).find((d) => d.readerId === "ghost");
    expect(dead).toMatchObject({
      kind: "build",
      readerId: "ghost",
      date,
      attempts: 6,
      deaths: 1,
      lastError: "Error: reader ghost has no profile",
    });
    expect(dead?.deadAt).not.toBeNull();
  });

  it("builds and delivers every other reader's issue when one reader's build throws", async () => {
    const date = "2026-10-07";
    await reader("alice", 1, true);
    await reader("bob", 1, true);
    await reader("broken", 1, false);
    const queue = new TestQueue();
    await morningCron(date, queue.env(env));
    const builds = queue.waiting.map((m) => (m.body as { readerId: string }).readerId);
    expect(builds).toEqual(expect.arrayContaining(["alice", "bob", "broken"]));

    await runQueue(queue, env, { batchSize: 10 });
    expect(await getIssue(env.DB, "alice", date)).not.toBeNull();
    expect(await getIssue(env.DB, "bob", date)).not.toBeNull();
    expect(await getIssue(env.DB, "broken", date)).toBeNull();
    expect(await received("alice")).toEqual(["alice-0@example.org"]);
    expect(await received("bob")).toEqual(["bob-0@example.org"]);
    expect(await received("broken")).toEqual([]);
    const dead = (await deadLetters()).filter((d) => d.readerId === "broken");
    expect(dead.map((d) => [d.kind, d.date])).toEqual([["build", date]]);
  });
});
