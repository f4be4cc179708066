import { readFile } from "node:fs/promises";
import { SourceName } from "../candidate";
import { detectSource } from "../sources/detect";
import { formatParseError, parsePayload } from "../sources/index";
import { sourceOfFile } from "./payloads";

const shortNames: Record<string, SourceName> = {
  hf: "huggingface",
  s2: "semanticscholar",
  hn: "hackernews",
  gh: "github",
  yt: "youtube",
};

const usage = `usage: feed parse [<source>] <file>
  source: ${SourceName.options.join(" | ")} (or hf, s2, gh, yt, hn); without it, told by the file's name or content
  prints the normalized candidates as JSON lines; a payload that is an error exits 1`;

/**
 * `feed parse <source> <file>`: a recorded payload → normalized candidates as JSON lines on
 * stdout. An error payload or garbage → one line on stderr naming the source and position, exit 1.
 * A quiet day (arXiv's empty listing) → no lines, a note on stderr, exit 0.
 */
export async function main(args: string[]): Promise<number> {
  // `parse <file>` alone: the source comes from the file's name or, failing that, its content.
  const [sourceArg, file, ...extra] = args.length === 1 ? ["auto", ...args] : args;
  if (sourceArg === undefined || file === undefined || extra.length > 0 || sourceArg === "--help") {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  let body: string;
  try {
    body = await readFile(file, "utf8");
  } catch (err) {
    process.stderr.write(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const told = sourceArg === "auto" ? (sourceOfFile(file) ?? detectSource(body)) : undefined;
  if (sourceArg === "auto" && told === undefined) {
    process.stderr.write(
      `${file}: cannot tell the source from the file name or the content; name it\n${usage}\n`,
    );
    return 2;
  }
  const source = SourceName.safeParse(told ?? shortNames[sourceArg] ?? sourceArg);
  if (!source.success) {
    process.stderr.write(`unknown source "${sourceArg}"\n${usage}\n`);
    return 2;
  }
  const result = parsePayload(source.data, body);
  if (!result.ok) {
    process.stderr.write(`parse error in ${file}: ${formatParseError(result.error)}\n`);
    return 1;
  }
  const lines = result.candidates.map((c) => JSON.stringify(c));
  if (lines.length > 0) process.stdout.write(`${lines.join("\n")}\n`);
  if (result.quiet && result.candidates.length === 0) {
    process.stderr.write(
      `${source.data}: quiet day, no candidates${result.note ? ` (${result.note})` : ""}\n`,
    );
  } else if (result.note) {
    process.stderr.write(`${source.data}: ${result.note}\n`);
  }
  process.stderr.write(`${source.data}: ${result.candidates.length} candidates from ${file}\n`);
  return 0;
}
