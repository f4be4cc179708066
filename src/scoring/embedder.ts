import { z } from "zod";

/**
 * Dense text embeddings, optional: the lexical scorer is the default and needs no model. When an
 * embedder is given, `rankCandidates` blends embedding similarity with lexical similarity.
 */
export interface Embedder {
  /** Model name, for logs and explanations. */
  readonly name: string;
  /** One vector per text, in order; vectors of one call share a dimension. */
  embed(texts: string[]): Promise<number[][]>;
}

/** The slice of the Workers AI binding that embedding needs. */
export interface WorkersAiLike {
  run(model: string, input: { text: string[] }): Promise<unknown>;
}

/** The model `EMBEDDINGS=workers-ai` uses: 768 dimensions, 512 input tokens, English. */
export const DEFAULT_EMBEDDING_MODEL = "@cf/baai/bge-base-en-v1.5";

/**
 * What Workers AI text-embedding models answer: `{ shape: [n, dim], data: number[][], pooling? }`
 * (an async-queue answer, `{ request_id }`, never comes back to a plain `run`).
 */
const WorkersAiEmbeddingOutput = z.object({ data: z.array(z.array(z.number())) });

/**
 * Embeds with a Workers AI text-embedding model (BGE by default), 100 texts per call; each text cut
 * to 2,000 characters, about the model's 512 tokens.
 */
export function workersAiEmbedder(ai: WorkersAiLike, model = DEFAULT_EMBEDDING_MODEL): Embedder {
  return {
    name: model,
    async embed(texts: string[]): Promise<number[][]> {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += 100) {
        const batch = texts.slice(i, i + 100).map((t) => t.slice(0, 2000));
        const parsed = WorkersAiEmbeddingOutput.safeParse(await ai.run(model, { text: batch }));
        if (!parsed.success || parsed.data.data.length !== batch.length) {
          throw new Error(`embedding model ${model} returned an unexpected shape`);
        }
        out.push(...parsed.data.data);
      }
      return out;
    },
  };
}

/**
 * `inner` with a memory of the vectors it gave, up to `maxEntries` texts (the oldest forgotten
 * first): every reader's job of a day embeds the same candidates, and each only once is enough.
 */
export function cachedEmbedder(inner: Embedder, maxEntries: number): Embedder {
  const known = new Map<string, number[]>();
  return {
    name: inner.name,
    async embed(texts: string[]): Promise<number[][]> {
      const missing = [...new Set(texts.filter((t) => !known.has(t)))];
      if (missing.length > 0) {
        const vectors = await inner.embed(missing);
        if (vectors.length !== missing.length) throw new Error(`embedder ${inner.name} lost texts`);
        missing.forEach((t, i) => {
          const v = vectors[i];
          if (v) known.set(t, v);
        });
      }
      const out = texts.map((t) => known.get(t) ?? []);
      for (const t of known.keys()) {
        if (known.size <= maxEntries) break;
        known.delete(t);
      }
      return out;
    },
  };
}
