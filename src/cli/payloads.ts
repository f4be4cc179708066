import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Candidate, SourceName } from "../candidate";
import { mergeCandidates } from "../identity";
import { parsePayload } from "../sources";

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

/**
 * Parses payload files into one merged candidate list. A file that fails to parse is reported
 * (source and position) and skipped: one bad file degrades the result, it does not abort it.
 */
export async function loadPayloadFiles(
  files: string[],
): Promise<{ candidates: Candidate[]; errors: string[] }> {
  const all: Candidate[] = [];
  const errors: string[] = [];
  for (const file of files) {
    const source = sourceOfFile(file);
    if (!source) {
      errors.push(
        `${file}: cannot tell the source from the file name (expected a prefix such as arxiv_, hf_, s2_, github_, youtube_, hn_)`,
      );
      continue;
    }
    const result = parsePayload(source, await readFile(file, "utf8"));
    if (result.ok) all.push(...result.candidates);
    else errors.push(`${file}: ${result.error.message}`);
  }
  return { candidates: mergeCandidates(all), errors };
}
