/**
 * `EMBEDDINGS=workers-ai`: the day's ranking blends in embedding similarity from the Workers AI
 * binding. The binding here answers in the shape Workers AI embedding models answer
 * (`{ shape: [n, 768], data, pooling }`, the generated `Ai_Cf_Baai_Bge_Base_En_V1_5_Output`), with
 * vectors that make one paper far from the reader's words the closest to the reader's interests.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { getIssue } from "../../d1/issues";
import type { Issue } from "../../src/issue";
import { type Bindings, configOf } from "../../workers/config";
import { buildReaderIssue, runDaily } from "../../workers/pipeline";

/** A hep-ph paper of the recorded arXiv day: no word in common with the demo reader's interests. */
const FAR_PAPER = "Nucleon axial radius";
const DIMENSIONS = 768;

/** Holds the jobs a run queues, so that the test's own call builds the issue, with the test's env. */
class HeldQueue implements Queue {
  readonly held: unknown[] = [];
  async metrics(): Promise<QueueMetrics> {
    return { backlogCount: this.held.length, backlogBytes: 0 };
  }
  async send(message: unknown): Promise<QueueSendResponse> {
    this.held.push(message);
    return { metadata: { metrics: await this.metrics() } };
  }
  async sendBatch(messages: Iterable<MessageSendRequest>): Promise<QueueSendBatchResponse> {
    for (const m of messages) this.held.push(m.body);
    return { metadata: { metrics: await this.metrics() } };
  }
}

/** What `workersAiEmbedder` sends: a batch of texts (the model also takes one string). */
const EmbeddingInput = z.object({ text: z.array(z.string()) });

interface EmbeddingCall {
  model: string;
  texts: string[];
}

/**
 * A Workers AI binding for embedding models: the reader's interest statements and the far paper
 * share one direction, every other text gets a direction of its own (cosine 0).
 */
function embeddingAi(interests: readonly string[], calls: EmbeddingCall[]): NonNullable<Bindings["AI"]> {
  let next = 1;
  return {
    async run(model: string, input: unknown) {
      const { text: texts } = EmbeddingInput.parse(input);
      calls.push({ model, texts });
      const data = texts.map((t) => {
        const v = new Array<number>(DIMENSIONS).fill(0);
        if (interests.includes(t) || t.startsWith(`${FAR_PAPER}.`)) v[0] = 1;
        else v[1 + (next++ % (DIMENSIONS - 1))] = 1;
        return v;
      });
      const output: Ai_Cf_Baai_Bge_Base_En_V1_5_Output = {
        shape: [texts.length, DIMENSIONS],
        data,
        pooling: "mean",
      };
      return output;
    },
  };
}

/** Gathers the recorded day and builds the demo reader's issue with `bindings` on top of the test env. */
async function buildWith(date: string, bindings: Partial<Bindings>): Promise<Issue> {
  const queue = new HeldQueue();
  const testEnv: Bindings = { ...env, ...bindings, DELIVERY_QUEUE: queue };
  const cfg = configOf(testEnv);
  const now = new Date(`${date}T06:00:00Z`);
  const run = await runDaily(testEnv, cfg, { date, trigger: "test", now });
  expect(
    await buildReaderIssue(testEnv, cfg, { type: "build", readerId: "demo", date, runId: run.runId }, now),
  ).toBe("built");
  const issue = await getIssue(env.DB, "demo", date);
  if (!issue) throw new Error(`no issue for ${date}`);
  return issue;
}

const titles = (issue: Issue) => issue.items.map((i) => i.title);

describe("EMBEDDINGS=workers-ai", { timeout: 60_000 }, () => {
  it("is off by default: the AI binding alone changes nothing", async () => {
    const calls: EmbeddingCall[] = [];
    const interests = (await env.READER_STATE.getByName("demo").getProfile())?.interests ?? [];
    const issue = await buildWith("2026-12-01", { AI: embeddingAi(interests, calls) });
    expect(calls).toEqual([]);
    expect(titles(issue)).not.toContain(FAR_PAPER);
  });

  it("ranks with Workers AI embeddings: the paper the model puts closest makes the issue", async () => {
    const calls: EmbeddingCall[] = [];
    const interests = (await env.READER_STATE.getByName("demo").getProfile())?.interests ?? [];
    expect(interests.length).toBeGreaterThan(0);
    const issue = await buildWith("2026-12-02", {
      EMBEDDINGS: "workers-ai",
      AI: embeddingAi(interests, calls),
    });
    expect(titles(issue)).toContain(FAR_PAPER);
    // The real model, at most 100 texts a call, every text embedded once.
    expect(new Set(calls.map((c) => c.model))).toEqual(new Set(["@cf/baai/bge-base-en-v1.5"]));
    expect(Math.max(...calls.map((c) => c.texts.length))).toBeLessThanOrEqual(100);
    const texts = calls.flatMap((c) => c.texts);
    expect(new Set(texts).size).toBe(texts.length);
    expect(texts.length).toBeGreaterThan(1000);
  });

  it("ranks lexically when Workers AI fails, and says so in the log", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const failing: NonNullable<Bindings["AI"]> = {
      run: async () => {
        throw new Error("3040: Capacity temporarily exceeded");
      },
    };
    const issue = await buildWith("2026-12-03", { EMBEDDINGS: "workers-ai", AI: failing });
    expect(issue.items.length).toBeGreaterThanOrEqual(3);
    expect(titles(issue)).not.toContain(FAR_PAPER);
    expect(warn.mock.calls.flat().join("\n")).toMatch(/embeddings.*failed, lexical ranking.*Capacity/);
    warn.mockRestore();
  });
});
