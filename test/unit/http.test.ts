import { describe, expect, it } from "vitest";
import { backoff, request, retryAfterMs } from "../../src/http";
import { testContext } from "./sources/support";

/** A fetch that answers with the given responses in turn (the last one repeats). */
function answers(...responses: Array<() => Response | Promise<Response>>): typeof fetch {
  let i = 0;
  return async () => {
    const next = responses[Math.min(i, responses.length - 1)];
    i++;
    if (!next) throw new Error("no response configured");
    return next();
  };
}

const never: typeof fetch = () => new Promise<Response>(() => {});

describe("request", () => {
  it("waits as long as Retry-After asks on 429, then succeeds", async () => {
    const ctx = testContext(
      answers(
        () => new Response("slow down", { status: 429, headers: { "retry-after": "2" } }),
        () => new Response("ok"),
      ),
    );
    const result = await request(ctx, "https://api.semanticscholar.org/graph/v1/paper/batch", {
      source: "semanticscholar",
    });
    expect(result).toMatchObject({ ok: true, status: 200, body: "ok", attempts: 2 });
    expect(ctx.sleeps).toEqual([2000]);
  });

  it("reads Retry-After given as an HTTP date", () => {
    const now = new Date("2024-11-28T06:00:00Z");
    expect(retryAfterMs("Thu, 28 Nov 2024 06:00:05 GMT", now)).toBe(5000);
    expect(retryAfterMs("7", now)).toBe(7000);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs("soon", now)).toBeUndefined();
  });

  it("backs off exponentially with jitter on 5xx, then gives up after the bounded attempts", async () => {
    const ctx = testContext(answers(() => new Response("down", { status: 503 })));
    const result = await request(ctx, "https://huggingface.co/api/daily_papers", {
      source: "huggingface",
      maxAttempts: 4,
      baseDelayMs: 1000,
      random: () => 0.5,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toMatchObject({ source: "huggingface", kind: "http", status: 503 });
    expect(result.attempts).toBe(4);
    expect(ctx.calls).toHaveLength(4);
    expect(ctx.sleeps).toEqual([750, 1500, 3000]);
    expect(backoff(1000, 1, () => 0)).toBe(500);
    expect(backoff(1000, 1, () => 1)).toBe(1000);
  });

  it("does not retry a client error, and keeps the body for the caller", async () => {
    const ctx = testContext(answers(() => new Response('{"message":"Validation Failed"}', { status: 422 })));
    const result = await request(ctx, "https://api.github.com/search/repositories?q=x", { source: "github" });
    expect(result).toMatchObject({
      ok: false,
      status: 422,
      attempts: 1,
      failure: { kind: "http", status: 422 },
    });
    expect(!result.ok && result.failure.message).toContain("Validation Failed");
    expect(ctx.sleeps).toEqual([]);
  });

  it("gives up at once when Retry-After asks for longer than the day can wait", async () => {
    const ctx = testContext(
      answers(() => new Response("", { status: 429, headers: { "retry-after": "3600" } })),
    );
    const result = await request(ctx, "https://api.github.com/x", { source: "github", maxDelayMs: 60_000 });
    expect(result).toMatchObject({ ok: false, attempts: 1, failure: { kind: "http", status: 429 } });
    expect(!result.ok && result.failure.message).toMatch(/gave up/);
    expect(ctx.sleeps).toEqual([]);
  });

  it("times out a call that never answers, on every attempt", async () => {
    const ctx = testContext(never);
    const result = await request(ctx, "https://rss.arxiv.org/rss/cs.LG", {
      source: "arxiv",
      timeoutMs: 20,
      maxAttempts: 2,
    });
    expect(result).toMatchObject({ ok: false, attempts: 2, failure: { source: "arxiv", kind: "timeout" } });
    expect(ctx.sleeps).toHaveLength(1);
  });

  it("passes an abort signal to fetch so the connection can be dropped", async () => {
    const ctx = testContext(answers(() => new Response("ok")));
    await request(ctx, "https://example.org/", { source: "github" });
    expect(ctx.calls[0]?.init?.signal).toBeInstanceOf(AbortSignal);
  });

  it("turns a network error into a failure instead of throwing", async () => {
    const ctx = testContext(async () => {
      throw new TypeError("fetch failed: ECONNRESET");
    });
    const result = await request(ctx, "https://hn.algolia.com/api/v1/search", {
      source: "hackernews",
      maxAttempts: 2,
    });
    expect(result).toMatchObject({ ok: false, attempts: 2, failure: { kind: "network" } });
    expect(!result.ok && result.failure.message).toContain("ECONNRESET");
  });

  it("spaces calls to one host by the minimum interval", async () => {
    const ctx = testContext(answers(() => new Response("ok")));
    for (let i = 0; i < 3; i++) {
      await request(ctx, "https://export.arxiv.org/api/query?id_list=1", {
        source: "arxiv",
        minIntervalMs: 3000,
      });
    }
    await request(ctx, "https://huggingface.co/api/x", { source: "huggingface", minIntervalMs: 3000 });
    expect(ctx.sleeps).toEqual([3000, 3000]);
  });
});
