import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Candidate, SourceName } from "../candidate";
import { mergeCandidates } from "../identity";
import { parsePayload } from "../sources";
import { detectSource } from "../sources/detect";

const PREFIXES: [RegExp, SourceName][] = [
  [/^arxiv/i, "arxiv"],
  [/^(hf|huggingface)/i, "huggingface"],
  [/^(s2|semanticscholar)/i, "semanticscholar"],
  [/^github/i, "github"],
  [/^(youtube|yt)/i, "youtube"],
  [/^(hn|hackernews)/i, "hackernews"],
];

/** The source a recorded payload file belongs to, from its name (`arxiv_…`, `hf_…`, `s2_…`, …). */
export function sourceOfFile(file: string): SourceName | undefined {
  const base = path.basename(file);
  return PREFIXES.find(([re]) => re.test(base))?.[1];
}

/** What loading payload files gave: candidates, and what went wrong per file. */
export interface LoadedPayloads {
  candidates: Candidate[];
  /** Files whose source neither the name nor the content tells: nothing was loaded at all. */
  unknown: string[];
  /** Files that were read but did not parse (an API error document, garbage): the others still count. */
  errors: string[];
  /** Parts of files left out (an item whose link is not http(s)): worth saying, not a failure. */
  warnings: string[];
}

/**
 * Parses payload files into one merged candidate list. Each file's source comes from its name, or
 * else from its content (`detectSource`). A file whose source neither tells stops the whole load —
 * the caller must not print a result that silently left it out. A file that fails to parse is
 * reported (source and position) and the rest still count; the caller exits non-zero all the same.
 */
export async function loadPayloadFiles(files: string[]): Promise<LoadedPayloads> {
  const bodies = await Promise.all(files.map((f) => readFile(f, "utf8")));
  const sources = files.map((file, i) => sourceOfFile(file) ?? detectSource(bodies[i] ?? ""));
  const unknown = files
    .filter((_f, i) => sources[i] === undefined)
    .map(
      (file) =>
        `${file}: cannot tell the source from the file name or the content (name it arxiv_…, hf_…, s2_…, github_…, youtube_… or hn_…)`,
    );
  if (unknown.length > 0) return { candidates: [], unknown, errors: [], warnings: [] };
  const all: Candidate[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  files.forEach((file, i) => {
    const source = sources[i];
    if (!source) return;
    const result = parsePayload(source, bodies[i] ?? "");
    if (result.ok) {
      all.push(...result.candidates);
      for (const d of result.dropped ?? []) warnings.push(`${file}: ${d.message}`);
    } else errors.push(`${file}: ${result.error.message}`);
  });
  return { candidates: mergeCandidates(all), unknown: [], errors, warnings };
}

/**
 * Writes what went wrong to stderr and says how the command must end: `stop` (exit 2, print nothing)
 * when a file's source is unknown, else the exit code once the result is printed (1 when a file failed).
 */
export function reportLoad(loaded: LoadedPayloads): { stop: boolean; code: number } {
  for (const line of [...loaded.unknown, ...loaded.errors, ...loaded.warnings])
    process.stderr.write(`${line}\n`);
  if (loaded.unknown.length > 0) return { stop: true, code: 2 };
  return { stop: false, code: loaded.errors.length > 0 ? 1 : 0 };
}
