/**
 * The write-up split by who it is for. Domain, Time cost, Intuition, Concrete punch and
 * Significance depend on the candidate alone: they are written once per candidate and day (by the
 * configured writer, a model call with WRITER=llm) and kept in a shared store. "Why it matches" is
 * per reader and comes from the scorer's explanation, with no model call. At 10,000 readers and
 * four picks each, a morning then costs as many writer calls as there are distinct picks.
 */
import type { Writeup } from "../issue";
import { whyItMatchesFor } from "./deterministic";
import type { MatchExplanation, WriteInput, Writer } from "./types";

/** The reader-independent fields of a write-up. */
export type SharedWriteup = Omit<Writeup, "whyItMatches">;

/** Where shared write-ups are kept (D1 in the Worker, a Map in benchmarks and tests). */
export interface WriteupStore {
  get(date: string, candidateId: string): Promise<SharedWriteup | undefined>;
  /** Stores a write-up; a concurrent writer's earlier copy wins (both are valid). */
  put(date: string, candidateId: string, writer: string, writeup: SharedWriteup): Promise<void>;
}

/** The explanation of nobody in particular: what a shared write-up is written against. */
const NEUTRAL: MatchExplanation = { interests: [], liked: [], lenses: [], signals: [], text: "" };

/** Counts of what the shared writer did (for benchmarks and logs). */
export interface SharedWriterStats {
  /** Calls to the underlying writer (model calls with WRITER=llm). */
  written: number;
  /** Picks served from the store. */
  reused: number;
}

/**
 * A writer whose shared fields come from `store` when another reader's job wrote them already;
 * otherwise the underlying `writer` writes them once (with a neutral explanation and profile, so
 * nothing of one reader leaks into another's issue) and they are stored. "Why it matches" is
 * always this reader's.
 */
export function sharedWriter(
  writer: Writer,
  store: WriteupStore,
  date: string,
  stats: SharedWriterStats = { written: 0, reused: 0 },
): Writer & { stats: SharedWriterStats } {
  return {
    name: `shared(${writer.name})`,
    stats,
    async writeItem(input: WriteInput): Promise<Writeup> {
      const id = input.candidate.id;
      let shared = await store.get(date, id);
      if (shared) stats.reused++;
      else {
        const { whyItMatches: _ignored, ...fields } = await writer.writeItem({
          ...input,
          explanation: NEUTRAL,
          rules: [],
          profile: { ...input.profile, interests: ["research"], lenses: [], references: [] },
        });
        shared = fields;
        stats.written++;
        await store.put(date, id, writer.name, shared);
      }
      return { ...shared, whyItMatches: whyItMatchesFor(input) };
    },
    videoReason: (video, context) => writer.videoReason(video, context),
  };
}

/** A store in memory (one isolate, or a benchmark). */
export function memoryWriteupStore(): WriteupStore & { size(): number } {
  const map = new Map<string, SharedWriteup>();
  return {
    async get(date, id) {
      return map.get(`${date}|${id}`);
    },
    async put(date, id, _writer, w) {
      if (!map.has(`${date}|${id}`)) map.set(`${date}|${id}`, w);
    },
    size: () => map.size,
  };
}
