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

/** The slice of the Workers AI binding that embedding needs (keeps `Env` free of an `AI` binding). */
export interface WorkersAiLike {
  run(model: string, input: { text: string[] }): Promise<unknown>;
}

const WorkersAiEmbeddingOutput = z.object({ data: z.array(z.array(z.number())) });

/** Embeds with a Workers AI text-embedding model (BGE by default), 100 texts per call. */
export function workersAiEmbedder(ai: WorkersAiLike, model = "@cf/baai/bge-base-en-v1.5"): Embedder {
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

/** Cosine similarity of two dense vectors (0 when either is zero). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    d += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : d / Math.sqrt(na * nb);
}
