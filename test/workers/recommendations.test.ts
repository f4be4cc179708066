/**
 * Semantic Scholar recommendations in the morning pipeline, on the recorded payloads: a reader's 👍
 * reaches the next morning's single gathering, whose recommendations join the day's pool.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { candidatesOfDay } from "../../d1/candidates";
import { createReader, getReader } from "../../d1/readers";
import { getRun } from "../../d1/runs";
import { configOf } from "../../workers/config";
import { buildReaderIssue, runDaily } from "../../workers/pipeline";

const ASTRO = ["Gravitational waves from binary black hole mergers", "Dark matter and galaxy formation"];

describe("Semantic Scholar recommendations from readers' liked papers", { timeout: 120_000 }, () => {
  it("asks for none while nobody liked anything, then for the papers a reader liked", async () => {
    // An editor whose public reader has liked nothing yet, so only the subscriber's 👍 counts.
    const editorEnv = { ...env, PUBLIC_READER: "editor-fresh" } as Env;
    const config = configOf(editorEnv);
    await env.READER_STATE.getByName("editor-fresh").setProfile({
      id: "editor-fresh",
      name: "Editor",
      interests: ASTRO,
    });
    const reader = await createReader(env.DB, { name: "Reader", now: new Date() });
    await env.READER_STATE.getByName(reader.id).setProfile({
      id: reader.id,
      name: "Reader",
      interests: ASTRO,
    });

    const first = await runDaily(editorEnv, config, { date: "2026-11-23", trigger: "test" });
    const firstRun = await getRun(env.DB, first.runId);
    expect(firstRun?.sourceCounts.semanticscholar).toMatchObject({ candidates: 0 });

    // The reader likes a paper of the day; its build job mirrors that for the next gathering.
    const liked = (await candidatesOfDay(env.DB, "2026-11-23")).find((c) => c.id.startsWith("arxiv:"));
    expect(liked).toBeDefined();
    await env.READER_STATE.getByName(reader.id).recordFeedback({
      issueDate: "2026-11-23",
      itemId: liked?.id ?? "",
      rating: "up",
      channel: "web",
    });
    await buildReaderIssue(editorEnv, config, {
      type: "build",
      readerId: reader.id,
      date: "2026-11-23",
      runId: first.runId,
    });
    expect((await getReader(env.DB, reader.id))?.liked).toEqual([liked?.id]);

    const second = await runDaily(editorEnv, config, { date: "2026-11-24", trigger: "test" });
    const secondRun = await getRun(env.DB, second.runId);
    // The recorded recommendations answer (100 papers) joined the day's pool.
    expect(secondRun?.sourceCounts.semanticscholar?.candidates).toBe(100);
    const pool = await candidatesOfDay(env.DB, "2026-11-24");
    expect(pool.some((c) => c.title === "The path sequence of a graph")).toBe(true);
  });
});
