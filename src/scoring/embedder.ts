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
