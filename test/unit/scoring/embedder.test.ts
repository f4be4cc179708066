import { describe, expect, it } from "vitest";
import { cachedEmbedder, type Embedder, workersAiEmbedder } from "../../../src/scoring";

/** An embedder that records what it was asked: one dimension, the text's length. */
function counting(asked: string[][]): Embedder {
  return {
    name: "length",
    async embed(texts) {
      asked.push(texts);
      return texts.map((t) => [t.length]);
    },
  };
}

describe("cachedEmbedder", () => {
  it("embeds each text once across calls and answers in the order asked", async () => {
    const asked: string[][] = [];
    const embedder = cachedEmbedder(counting(asked), 10);
    expect(await embedder.embed(["a", "bb", "a"])).toEqual([[1], [2], [1]]);
    expect(await embedder.embed(["ccc", "bb"])).toEqual([[3], [2]]);
    expect(asked).toEqual([["a", "bb"], ["ccc"]]);
  });

  it("forgets the oldest texts beyond its size", async () => {
    const asked: string[][] = [];
    const embedder = cachedEmbedder(counting(asked), 2);
    await embedder.embed(["a", "bb", "ccc"]);
    await embedder.embed(["bb", "a"]);
    expect(asked).toEqual([["a", "bb", "ccc"], ["a"]]);
  });
});

describe("workersAiEmbedder", () => {
  it("reads the {shape, data} answer of Workers AI embedding models, 100 texts a call", async () => {
    const sizes: number[] = [];
    const embedder = workersAiEmbedder({
      async run(_model, { text }) {
        sizes.push(text.length);
        return { shape: [text.length, 3], data: text.map(() => [0.1, 0.2, 0.3]), pooling: "mean" };
      },
    });
    const vectors = await embedder.embed(Array.from({ length: 250 }, (_, i) => `text ${i}`));
    expect(vectors).toHaveLength(250);
    expect(sizes).toEqual([100, 100, 50]);
  });

  it("refuses an answer without one vector per text", async () => {
    const embedder = workersAiEmbedder({ run: async () => ({ shape: [1, 3], data: [[0, 0, 1]] }) });
    await expect(embedder.embed(["one", "two"])).rejects.toThrow(/unexpected shape/);
  });
});
