import { describe, expect, it } from "vitest";
import { deterministicWriter } from "../../../src/writeup/deterministic";
import {
  buildMessages,
  type ChatMessage,
  createLlmWriter,
  LlmWriteup,
  openAiCompatibleRunner,
  parseWriteup,
  workersAiRunner,
} from "../../../src/writeup/llm";
import { rssCandidate, writeInput } from "./real-candidates";

/** A well-formed model answer for the MAS-Attention abstract (2411.17720). */
const GOOD = {
  domain: "ML / Systems / Transformers",
  timeCost: "~45min read",
  intuition:
    "Exact attention on edge NPUs is limited by tiny on-chip caches. **MAS-Attention** streams the vector (softmax) and matrix (QK, PV) work of attention through the two kinds of compute units at once, with a tiling chosen so neither waits.",
  punch:
    "Up to **2.75×** speed-up and **54%** less energy than FLAT on simulated edge accelerators; $\\operatorname{softmax}(QK^\\top/\\sqrt d)V$ computed exactly.",
  significance:
    "Attention on phones and embedded accelerators is memory-bound; a scheduler that overlaps the two unit types is a reusable pattern.",
  whyItMatches: "Mechanism-first (cache spills, tiling) and tied to your attention interest.",
};

function answer(obj: unknown): string {
  return JSON.stringify(obj);
}

describe("LlmWriteup schema", () => {
  it("accepts a complete answer, also inside a ```json fence", () => {
    expect(parseWriteup(answer(GOOD)).ok).toBe(true);
    expect(parseWriteup(`Here you go:\n\`\`\`json\n${answer(GOOD)}\n\`\`\``).ok).toBe(true);
  });

  it("rejects a missing field", () => {
    const { whyItMatches: _dropped, ...rest } = GOOD;
    const r = parseWriteup(answer(rest));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain("whyItMatches");
  });

  it("rejects an empty or whitespace-only field", () => {
    const r = parseWriteup(answer({ ...GOOD, significance: "   " }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain("significance");
  });

  it("rejects truncated JSON", () => {
    const text = answer(GOOD);
    const r = parseWriteup(text.slice(0, Math.floor(text.length * 0.7)));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/JSON/);
  });

  it("rejects a punch with neither a formula nor a number", () => {
    const r = parseWriteup(answer({ ...GOOD, punch: "It is much faster than prior work on edge devices." }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain("punch");
  });

  it("rejects fields over their length bound and unknown fields", () => {
    expect(LlmWriteup.safeParse({ ...GOOD, intuition: "x".repeat(5000) }).success).toBe(false);
    expect(LlmWriteup.safeParse({ ...GOOD, extra: "no" }).success).toBe(false);
    expect(LlmWriteup.safeParse({ ...GOOD, domain: "ML\n/ Systems" }).success).toBe(false);
  });
});

describe("createLlmWriter", () => {
  const input = writeInput(rssCandidate("2411.17720"));

  function fakeRunner(answers: (string | Error)[]) {
    const calls: ChatMessage[][] = [];
    const run = async (messages: ChatMessage[]) => {
      calls.push(messages);
      const next = answers[calls.length - 1];
      if (next === undefined) throw new Error("no more answers");
      if (next instanceof Error) throw next;
      return next;
    };
    return { run, calls };
  }

  it("publishes a valid answer as is, with one model call", async () => {
    const fake = fakeRunner([answer(GOOD)]);
    const writer = createLlmWriter({ run: fake.run, fallback: deterministicWriter });
    const w = await writer.writeItem(input);
    expect(w.punch).toBe(GOOD.punch);
    expect(fake.calls).toHaveLength(1);
  });

  it("retries once with the rejection reason, and uses the second answer when valid", async () => {
    const fake = fakeRunner([answer({ ...GOOD, punch: "Much faster." }), answer(GOOD)]);
    const logs: string[] = [];
    const writer = createLlmWriter({
      run: fake.run,
      fallback: deterministicWriter,
      log: (m) => logs.push(m),
    });
    const w = await writer.writeItem(input);
    expect(w.intuition).toBe(GOOD.intuition);
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[1]?.at(-1)?.content).toContain("punch must contain a formula");
    expect(logs.some((l) => l.includes("attempt 1 rejected"))).toBe(true);
  });

  it("falls back to the deterministic writer after two bad answers — never a half-formed write-up", async () => {
    const truncated = answer(GOOD).slice(0, 120);
    const fake = fakeRunner([truncated, answer({ ...GOOD, intuition: "" })]);
    const logs: string[] = [];
    const writer = createLlmWriter({
      run: fake.run,
      fallback: deterministicWriter,
      log: (m) => logs.push(m),
    });
    const w = await writer.writeItem(input);
    expect(fake.calls).toHaveLength(2);
    expect(w).toEqual(await deterministicWriter.writeItem(input));
    expect(logs.at(-1)).toContain("falls back to deterministic");
  });

  it("falls back when the model call itself fails", async () => {
    const fake = fakeRunner([new Error("503"), new Error("503")]);
    const writer = createLlmWriter({ run: fake.run, fallback: deterministicWriter });
    expect(await writer.writeItem(input)).toEqual(await deterministicWriter.writeItem(input));
    expect(fake.calls).toHaveLength(2);
  });

  it("prompts with the abstract, the reader's interests and rules, and asks for JSON", () => {
    const messages = buildMessages({
      ...input,
      rules: [
        {
          id: "r1",
          text: "Both delivery channels must push identical content",
          constrains: "channels.identical",
          params: {},
          since: "2026-02-12",
        },
      ],
    });
    const user = messages[1]?.content ?? "";
    expect(messages[0]?.content).toContain("JSON");
    expect(user).toContain("MAS-Attention");
    expect(user).toContain("2.75x speedup");
    expect(user).toContain("market microstructure and limit order books");
    expect(user).toContain("Both delivery channels must push identical content");
  });
});

describe("runners", () => {
  const messages: ChatMessage[] = [{ role: "user", content: "hi" }];

  it("reads Workers AI answers in both the {response} and the OpenAI-style shape", async () => {
    const seen: { model: string; input: unknown }[] = [];
    const ai = {
      async run(model: string, input: unknown) {
        seen.push({ model, input });
        return seen.length === 1 ? { response: GOOD } : { choices: [{ message: { content: answer(GOOD) } }] };
      },
    };
    const run = workersAiRunner(ai, "@cf/meta/llama-3.3-70b-instruct-fp8-fast");
    expect(parseWriteup(await run(messages)).ok).toBe(true);
    expect(parseWriteup(await run(messages)).ok).toBe(true);
    expect(seen[0]?.model).toBe("@cf/meta/llama-3.3-70b-instruct-fp8-fast");
    expect(seen[0]?.input).toMatchObject({ messages, response_format: { type: "json_schema" } });
  });

  it("posts to {url}/chat/completions with a bearer key and treats a length cut-off as a failure", async () => {
    const requests: Request[] = [];
    let finish = "stop";
    const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
      requests.push(new Request(url, init));
      return Response.json({ choices: [{ message: { content: answer(GOOD) }, finish_reason: finish }] });
    }) as typeof fetch;
    const run = openAiCompatibleRunner(fetchFn, "https://llm.example/v1/", "sk-test", "some-model");
    expect(parseWriteup(await run(messages)).ok).toBe(true);
    expect(requests[0]?.url).toBe("https://llm.example/v1/chat/completions");
    expect(requests[0]?.headers.get("authorization")).toBe("Bearer sk-test");
    expect(await requests[0]?.json()).toMatchObject({ model: "some-model", messages });
    finish = "length";
    await expect(run(messages)).rejects.toThrow(/truncated/);
  });

  it("reports an HTTP error with its status", async () => {
    const fetchFn = (async () => new Response("overloaded", { status: 503 })) as typeof fetch;
    const run = openAiCompatibleRunner(fetchFn, "https://llm.example/v1", undefined, "m");
    await expect(run(messages)).rejects.toThrow(/503/);
  });
});
